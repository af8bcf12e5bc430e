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

	private static final int FIN = 0x80;

	private static final int OPCODE_TEXT = 0x1;

	private static final int OPCODE_BINARY = 0x2;

	private WebSocketFrames() {
	}

	/**
	 * A reply, text for a {@code String} and binary for bytes, in a buffer of the
	 * connection's allocator (pooled, direct: written to the socket without another
	 * copy): as a frame object for Netty's frame encoder, or ({@code wire}) as the bytes
	 * of one whole, unmasked frame (RFC 6455 section 5.2), header and payload in one
	 * buffer, which the encoder lets through as it is. The bytes are what the encoder
	 * would send for the frame, without the frame object, the payload's own buffer and
	 * the encoder's second copy; only for a session whose frames pass no extension
	 * (permessage-deflate works on frame objects).
	 */
	static Object encode(ByteBufAllocator allocator, Object payload, boolean wire) {
		if (payload instanceof String text) {
			return encode(allocator, OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), wire);
		}
		if (payload instanceof byte[] bytes) {
			return encode(allocator, OPCODE_BINARY, bytes, wire);
		}
		if (payload instanceof ByteBuffer buffer) {
			ByteBuffer bytes = buffer.duplicate();
			return frame(OPCODE_BINARY, start(allocator, OPCODE_BINARY, bytes.remaining(), wire).writeBytes(bytes),
					wire);
		}
		if (payload instanceof WebSocketMessage message) {
			return message.isText() ? encode(allocator, message.text(), wire)
					: encode(allocator, OPCODE_BINARY, message.data(), wire);
		}
		throw new IllegalArgumentException("Cannot send a " + payload.getClass().getName()
				+ "; payloads are String (text), byte[] or ByteBuffer (binary)");
	}

	private static Object encode(ByteBufAllocator allocator, int opcode, byte[] payload, boolean wire) {
		return frame(opcode, start(allocator, opcode, payload.length, wire).writeBytes(payload), wire);
	}

	/**
	 * A buffer sized for {@code length} payload bytes; for wire bytes, room for the
	 * header too and the header written: FIN and the opcode, then the length in 7, 7+16
	 * or 7+64 bits.
	 */
	private static ByteBuf start(ByteBufAllocator allocator, int opcode, int length, boolean wire) {
		if (!wire) {
			return allocator.buffer(length);
		}
		int lengthBytes = (length < 126) ? 0 : (length <= 0xFFFF) ? 2 : 8;
		ByteBuf buffer = allocator.buffer(2 + lengthBytes + length);
		buffer.writeByte(FIN | opcode);
		if (lengthBytes == 0) {
			buffer.writeByte(length);
		}
		else if (lengthBytes == 2) {
			buffer.writeByte(126).writeShort(length);
		}
		else {
			buffer.writeByte(127).writeLong(length);
		}
		return buffer;
	}

	/** The written buffer as it goes out: itself for wire bytes, else in its frame. */
	private static Object frame(int opcode, ByteBuf content, boolean wire) {
		if (wire) {
			return content;
		}
		return (opcode == OPCODE_TEXT) ? new TextWebSocketFrame(content) : new BinaryWebSocketFrame(content);
	}

	static WebSocketMessage toMessage(WebSocketFrame frame) {
		return (frame instanceof TextWebSocketFrame text) ? WebSocketMessage.text(text.text())
				: WebSocketMessage.binary(ByteBufUtil.getBytes(frame.content()));
	}

}
