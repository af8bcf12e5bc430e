package dev.qtserver.websocket;

import java.nio.ByteBuffer;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply encoded as wire bytes by {@link WebSocketFrames#encode} is, byte for byte, what
 * Netty's frame encoder sends for the frame object it makes of the same payload: at every
 * edge of the three length forms (7, 16 and 64 bits) and past the encoder's own threshold
 * for writing header and payload apart.
 */
class WebSocketFramesTests {

	private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 124, 125, 126, 127, 1023, 1024, 1025, 65534, 65535, 65536, 100_000 })
	void whenATextIsEncodedThenItsBytesAreThoseOfNettysTextFrame(int length) {
		String text = text(length);
		assertThat(wire(text)).isEqualTo(encodedByNetty(text));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 125, 126, 65535, 65536, 100_000 })
	void whenBytesAreEncodedThenTheirBytesAreThoseOfNettysBinaryFrame(int length) {
		byte[] bytes = new byte[length];
		new Random(length).nextBytes(bytes);
		assertThat(wire(bytes)).isEqualTo(encodedByNetty(bytes));
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		assertThat(wire(buffer)).isEqualTo(encodedByNetty(bytes));
		assertThat(buffer.position()).isZero();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 126, 65536 })
	void whenAMessageIsEncodedThenItKeepsItsKind(int length) {
		byte[] bytes = new byte[length];
		assertThat(wire(WebSocketMessage.binary(bytes))).isEqualTo(encodedByNetty(bytes));
		String text = text(length);
		assertThat(wire(WebSocketMessage.text(text))).isEqualTo(encodedByNetty(text));
	}

	/**
	 * Two-byte characters, and one ASCII one for an odd length: the header must carry the
	 * UTF-8 length, not the number of chars.
	 */
	private static String text(int utf8Length) {
		return "\u00e9".repeat(utf8Length / 2) + "x".repeat(utf8Length % 2);
	}

	private static byte[] wire(Object payload) {
		ByteBuf encoded = (ByteBuf) WebSocketFrames.encode(ALLOCATOR, payload, true);
		try {
			return ByteBufUtil.getBytes(encoded);
		}
		finally {
			encoded.release();
		}
	}

	private static byte[] encodedByNetty(Object payload) {
		WebSocketFrame frame = (WebSocketFrame) WebSocketFrames.encode(ALLOCATOR, payload, false);
		EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
		channel.writeOutbound(frame);
		CompositeByteBuf all = ALLOCATOR.compositeBuffer();
		ByteBuf part;
		while ((part = channel.readOutbound()) != null) {
			all.addComponent(true, part);
		}
		channel.finishAndReleaseAll();
		try {
			return ByteBufUtil.getBytes(all);
		}
		finally {
			all.release();
		}
	}

}
