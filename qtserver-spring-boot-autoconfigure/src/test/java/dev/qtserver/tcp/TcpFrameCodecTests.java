package dev.qtserver.tcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TcpFrameCodec}: replies framed as the settings say, a reply too long
 * for its length field refused without leaking a buffer (the leak detector runs on
 * paranoid), and whole frames (for annotated handlers): their payload found in them, and
 * whether one can go back as the reply to itself.
 */
class TcpFrameCodecTests {

	@Test
	void whenFramesAreWholeThenTheDecodersKeepTheDelimiterOrTheLengthField() {
		assertThat(decode(codec(TcpFraming.LINE), true, "a\r\nb\n\n")).containsExactly("a\r\n", "b\n", "\n");
		assertThat(decode(codec(TcpFraming.LINE), false, "a\r\nb\n\n")).containsExactly("a", "b", "");
		TcpFrameCodec delimited = codec(TcpFraming.DELIMITER);
		assertThat(decode(delimited, true, "a||b||||")).containsExactly("a||", "b||", "||");
		assertThat(decode(delimited, false, "a||b||||")).containsExactly("a", "b", "");
		TcpFrameCodec lengthField = codec(TcpFraming.LENGTH_FIELD);
		assertThat(decode(lengthField, true, "\0\2ab\0\0")).containsExactly("\0\2ab", "\0\0");
		assertThat(decode(lengthField, false, "\0\2ab\0\0")).containsExactly("ab", "");
	}

	@Test
	void whenAWholeLineEndsWithNewlineOrCarriageReturnNewlineThenItsPayloadLeavesEitherOut() {
		TcpFrameCodec codec = codec(TcpFraming.LINE);
		// only a line ended by "\n" alone is framed as a reply (which ends with "\n")
		assertPayload(codec, "abc\n", "abc", true);
		assertPayload(codec, "\n", "", true);
		assertPayload(codec, "a\rb\n", "a\rb", true);
		assertPayload(codec, "abc\r\n", "abc", false);
		assertPayload(codec, "\r\n", "", false);
		assertPayload(codec, "a\r\r\n", "a\r", false);
		// a line that ends without its delimiter
		assertPayload(codec, "abc", "abc", false);
		assertPayload(codec, "", "", false);
	}

	@Test
	void whenAWholeFrameIsDelimitedOrLengthPrefixedOrRawThenItsPayloadIsFoundInIt() {
		TcpFrameCodec delimited = codec(TcpFraming.DELIMITER);
		assertPayload(delimited, "ab||", "ab", true);
		assertPayload(delimited, "||", "", true);
		assertPayload(delimited, "a|b||", "a|b", true);
		assertPayload(delimited, "ab|", "ab|", false);
		TcpFrameCodec lengthField = codec(TcpFraming.LENGTH_FIELD);
		assertPayload(lengthField, "\0\3abc", "abc", true);
		assertPayload(lengthField, "\0\0", "", true);
		TcpFrameCodec raw = codec(TcpFraming.RAW);
		assertPayload(raw, "ab\n", "ab\n", true);
	}

	private static TcpFrameCodec codec(TcpFraming framing) {
		return new TcpFrameCodec(
				TcpServerSettings.builder().framing(framing).delimiter("||").lengthFieldLength(2).build());
	}

	/** Decode bytes with a new decoder; the frames as text. */
	private static List<String> decode(TcpFrameCodec codec, boolean wholeFrames, String bytes) {
		ChannelHandler decoder = codec.newDecoder(wholeFrames);
		assertThat(decoder).isNotNull();
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
		List<String> frames = new ArrayList<>();
		ByteBuf frame;
		while ((frame = channel.readInbound()) != null) {
			frames.add(frame.toString(StandardCharsets.ISO_8859_1));
			frame.release();
		}
		channel.finishAndReleaseAll();
		return frames;
	}

	/**
	 * Check the payload found in a whole frame, read from past the start of its buffer (a
	 * frame is a slice of what was read), and whether it is framed as its reply.
	 */
	private static void assertPayload(TcpFrameCodec codec, String frame, String payload, boolean framedAsReply) {
		ByteBuf buffer = Unpooled.copiedBuffer("read before|" + frame, StandardCharsets.ISO_8859_1);
		try {
			buffer.skipBytes("read before|".length());
			int length = codec.payloadLength(buffer);
			String found = buffer.toString(buffer.readerIndex() + codec.payloadOffset(), length,
					StandardCharsets.ISO_8859_1);
			assertThat(found).as("payload of %s", frame).isEqualTo(payload);
			assertThat(codec.isFramedAsReply(buffer, length)).as("%s framed as its reply", frame)
				.isEqualTo(framedAsReply);
		}
		finally {
			buffer.release();
		}
	}

	@Test
	void whenAReplyIsTooLongForTheLengthFieldThenItIsRefusedBeforeAnyBufferIsTaken() {
		TcpFrameCodec codec = new TcpFrameCodec(
				TcpServerSettings.builder().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(1).build());
		assertThatIllegalArgumentException().isThrownBy(() -> codec.encode(ByteBufAllocator.DEFAULT, "x".repeat(256)))
			.withMessageContaining("256 bytes");
		ByteBuf fits = codec.encode(ByteBufAllocator.DEFAULT, "x".repeat(255));
		try {
			assertThat(fits.readUnsignedByte()).isEqualTo((short) 255);
			assertThat(fits.readableBytes()).isEqualTo(255);
		}
		finally {
			fits.release();
		}
	}

	@Test
	void whenFramingIsLineThenTextRepliesEndWithANewline() {
		TcpFrameCodec codec = new TcpFrameCodec(TcpServerSettings.builder().build());
		ByteBuf line = codec.encode(ByteBufAllocator.DEFAULT, "héllo");
		try {
			assertThat(line.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("héllo\n");
		}
		finally {
			line.release();
		}
	}

	static Stream<Arguments> replies() {
		List<Arguments> cases = new ArrayList<>();
		List<TcpServerSettings.Builder> framings = List.of(TcpServerSettings.builder().framing(TcpFraming.LINE),
				TcpServerSettings.builder().framing(TcpFraming.DELIMITER).delimiter("||"),
				TcpServerSettings.builder().framing(TcpFraming.DELIMITER).delimiter(";"),
				TcpServerSettings.builder().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(1),
				TcpServerSettings.builder().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(2),
				TcpServerSettings.builder().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(4),
				TcpServerSettings.builder().framing(TcpFraming.RAW));
		for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
			for (TcpServerSettings.Builder framing : framings) {
				TcpServerSettings settings = framing.charset(charset).build();
				for (String text : List.of("", "a", "plain ascii line", "héllo wörld", "日本語 ✓ 😀", "x".repeat(200))) {
					cases.add(Arguments.of(settings, text));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("replies")
	void whenAReplyIsEncodedThenItIsThePayloadInTheCharsetFramedAsTheSettingsSay(TcpServerSettings settings,
			String text) {
		TcpFrameCodec codec = new TcpFrameCodec(settings);
		// what the JDK makes of the text in the charset (unmappable chars become '?')
		byte[] payload = text.getBytes(settings.charset());
		for (Object reply : List.of(text, payload.clone(), ByteBuffer.wrap(payload.clone()))) {
			ByteBuf framed = codec.encode(ByteBufAllocator.DEFAULT, reply);
			try {
				assertThat(ByteBufUtil.getBytes(framed)).as("%s", reply.getClass().getSimpleName())
					.isEqualTo(expectedFrame(settings, payload));
			}
			finally {
				framed.release();
			}
		}
	}

	/** The frame written out by hand: length field (big-endian), payload, delimiter. */
	private static byte[] expectedFrame(TcpServerSettings settings, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		if (settings.framing() == TcpFraming.LENGTH_FIELD) {
			int fieldLength = settings.lengthFieldLength();
			for (int i = fieldLength - 1; i >= 0; i--) {
				frame.write((payload.length >>> (8 * i)) & 0xFF);
			}
		}
		frame.writeBytes(payload);
		if (settings.framing() == TcpFraming.LINE) {
			frame.write('\n');
		}
		else if (settings.framing() == TcpFraming.DELIMITER) {
			frame.writeBytes(settings.delimiter().getBytes(settings.charset()));
		}
		return frame.toByteArray();
	}

}
