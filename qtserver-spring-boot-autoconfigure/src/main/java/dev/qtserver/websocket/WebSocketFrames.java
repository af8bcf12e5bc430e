package dev.qtserver.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Conversions between payloads and WebSocket frames.
 */
final class WebSocketFrames {

	/**
	 * Marks, in a session's inbound stream, that the peer started the closing handshake.
	 */
	static final Object END_OF_INPUT = new Object() {

		@Override
		public String toString() {
			return "END_OF_INPUT";
		}

	};

	private WebSocketFrames() {
	}

	/**
	 * A reply: text for a {@code String}, binary for bytes, in a buffer of the
	 * connection's allocator (pooled, direct: written to the socket without another
	 * copy).
	 */
	static WebSocketFrame toFrame(ByteBufAllocator allocator, Object payload) {
		if (payload instanceof String text) {
			return new TextWebSocketFrame(copy(allocator, text.getBytes(StandardCharsets.UTF_8)));
		}
		if (payload instanceof byte[] bytes) {
			return new BinaryWebSocketFrame(copy(allocator, bytes));
		}
		if (payload instanceof ByteBuffer buffer) {
			ByteBuffer bytes = buffer.duplicate();
			return new BinaryWebSocketFrame(allocator.buffer(bytes.remaining()).writeBytes(bytes));
		}
		if (payload instanceof WebSocketMessage message) {
			return message.isText() ? toFrame(allocator, message.text())
					: new BinaryWebSocketFrame(copy(allocator, message.data()));
		}
		throw new IllegalArgumentException("Cannot send a " + payload.getClass().getName()
				+ "; payloads are String (text), byte[] or ByteBuffer (binary)");
	}

	private static ByteBuf copy(ByteBufAllocator allocator, byte[] bytes) {
		return allocator.buffer(bytes.length).writeBytes(bytes);
	}

	static WebSocketMessage toMessage(WebSocketFrame frame) {
		return (frame instanceof TextWebSocketFrame text) ? WebSocketMessage.text(text.text())
				: WebSocketMessage.binary(ByteBufUtil.getBytes(frame.content()));
	}

}
