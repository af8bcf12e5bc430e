package dev.qtserver.websocket;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a whole text message is valid UTF-8 (RFC 6455 section 8.1). Most messages
 * are ASCII, which is checked eight bytes at a time; anything else goes through the JDK's
 * strict decoder. Checking whole messages after aggregation costs one pass instead of
 * Netty's byte-by-byte validator on every fragment.
 */
final class Utf8 {

	private static final long NON_ASCII = 0x8080808080808080L;

	private Utf8() {
	}

	static boolean isValid(ByteBuf content) {
		int index = content.readerIndex();
		int end = content.writerIndex();
		for (; index + 8 <= end; index += 8) {
			if ((content.getLong(index) & NON_ASCII) != 0) {
				return decodes(content);
			}
		}
		for (; index < end; index++) {
			if (content.getByte(index) < 0) {
				return decodes(content);
			}
		}
		return true;
	}

	private static boolean decodes(ByteBuf content) {
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(content.nioBuffer());
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

}
