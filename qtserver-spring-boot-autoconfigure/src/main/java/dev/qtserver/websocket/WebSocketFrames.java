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

	/**
	 * A reply as the bytes of one whole, unmasked frame (RFC 6455 section 5.2), header
	 * and payload in one buffer of the connection's allocator: what Netty's frame encoder
	 * would send for {@link #toFrame}'s frame, without the frame object, the payload's
	 * own buffer and the encoder's second copy. Only for a session whose frames pass no
	 * extension (permessage-deflate works on frame objects); the frame encoder lets a
	 * buffer through as it is.
	 */
	static ByteBuf toWire(ByteBufAllocator allocator, Object payload) {
		if (payload instanceof String text) {
			return wire(allocator, OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
		}
		if (payload instanceof byte[] bytes) {
			return wire(allocator, OPCODE_BINARY, bytes);
		}
		if (payload instanceof ByteBuffer buffer) {
			ByteBuffer bytes = buffer.duplicate();
			return header(allocator, OPCODE_BINARY, bytes.remaining()).writeBytes(bytes);
		}
		if (payload instanceof WebSocketMessage message) {
			return message.isText() ? toWire(allocator, message.text())
					: wire(allocator, OPCODE_BINARY, message.data());
		}
		throw new IllegalArgumentException("Cannot send a " + payload.getClass().getName()
				+ "; payloads are String (text), byte[] or ByteBuffer (binary)");
	}

	private static ByteBuf wire(ByteBufAllocator allocator, int opcode, byte[] payload) {
		return header(allocator, opcode, payload.length).writeBytes(payload);
	}

	/**
	 * A buffer sized for a final frame of {@code length} payload bytes, its header
	 * written: FIN and the opcode, then the length in 7, 7+16 or 7+64 bits.
	 */
	private static ByteBuf header(ByteBufAllocator allocator, int opcode, int length) {
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

	private static ByteBuf copy(ByteBufAllocator allocator, byte[] bytes) {
		return allocator.buffer(bytes.length).writeBytes(bytes);
	}

	static WebSocketMessage toMessage(WebSocketFrame frame) {
		return (frame instanceof TextWebSocketFrame text) ? WebSocketMessage.text(text.text())
				: WebSocketMessage.binary(ByteBufUtil.getBytes(frame.content()));
	}

}
