package dev.qtserver.websocket;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Conversions between payloads and WebSocket frames.
 */
final class WebSocketFrames {

	/** Marks, in a session's inbound stream, that the peer started the closing handshake. */
	static final Object END_OF_INPUT = new Object() {

		@Override
		public String toString() {
			return "END_OF_INPUT";
		}

	};

	private WebSocketFrames() {
	}

	/** A reply: text for a {@code String}, binary for bytes. */
	static WebSocketFrame toFrame(Object payload) {
		if (payload instanceof String text) {
			return new TextWebSocketFrame(text);
		}
		if (payload instanceof byte[] bytes) {
			return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
		}
		if (payload instanceof ByteBuffer buffer) {
			return new BinaryWebSocketFrame(Unpooled.copiedBuffer(buffer.duplicate()));
		}
		if (payload instanceof WebSocketMessage message) {
			return message.isText() ? new TextWebSocketFrame(message.text())
					: new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.data()));
		}
		throw new IllegalArgumentException("Cannot send a " + payload.getClass().getName()
				+ "; payloads are String (text), byte[] or ByteBuffer (binary)");
	}

	static WebSocketMessage toMessage(WebSocketFrame frame) {
		return (frame instanceof TextWebSocketFrame text) ? WebSocketMessage.text(text.text())
				: WebSocketMessage.binary(ByteBufUtil.getBytes(frame.content()));
	}

}
