package dev.qtserver.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Cuts inbound bytes into frames (through a Netty decoder per connection) and frames
 * outbound payloads, as a server's {@link TcpFraming} says.
 */
final class TcpFrameCodec {

	private static final byte[] LINE_END = { '\n' };

	private final TcpServerSettings settings;

	private final byte[] delimiter;

	TcpFrameCodec(TcpServerSettings settings) {
		this.settings = settings;
		this.delimiter = switch (settings.framing()) {
			case LINE -> LINE_END;
			case DELIMITER -> settings.delimiter().getBytes(settings.charset());
			default -> new byte[0];
		};
	}

	/**
	 * Return a new frame decoder for one connection.
	 * @return the decoder, or {@code null} when frames are raw reads
	 */
	@Nullable ChannelHandler newDecoder() {
		int max = this.settings.maxFrameLength();
		return switch (this.settings.framing()) {
			case LINE -> new LineBasedFrameDecoder(max, true, true);
			case DELIMITER -> new DelimiterBasedFrameDecoder(max, true, true, Unpooled.wrappedBuffer(this.delimiter));
			case LENGTH_FIELD -> {
				int field = this.settings.lengthFieldLength();
				yield new LengthFieldBasedFrameDecoder(
						Integer.MAX_VALUE - field < max ? Integer.MAX_VALUE : max + field, 0, field, 0, field, true);
			}
			case RAW -> null;
		};
	}

	/**
	 * Frame a payload for writing.
	 * @param allocator the connection's allocator
	 * @param payload a {@code String} (encoded with the server's charset), {@code byte[]}
	 * or {@code ByteBuffer}
	 * @return a buffer holding the framed payload
	 */
	ByteBuf encode(ByteBufAllocator allocator, Object payload) {
		Charset charset = this.settings.charset();
		if (payload instanceof String text && this.settings.framing() != TcpFraming.LENGTH_FIELD) {
			// the JDK's encoder copies ASCII text in bulk: faster than sizing and writing
			// it char by char
			byte[] bytes = text.getBytes(charset);
			ByteBuf buffer = allocator.buffer(bytes.length + this.delimiter.length);
			return buffer.writeBytes(bytes).writeBytes(this.delimiter);
		}
		ByteBuffer bytes = toByteBuffer(payload, charset);
		int length = bytes.remaining();
		boolean lengthField = this.settings.framing() == TcpFraming.LENGTH_FIELD;
		int header = lengthField ? this.settings.lengthFieldLength() : 0;
		if (lengthField) {
			// checked before allocating, so a payload too long for the field leaks
			// nothing
			checkLength(length, maxLength(header));
		}
		ByteBuf buffer = allocator.buffer(header + length + this.delimiter.length);
		if (lengthField) {
			writeLength(buffer, length);
		}
		return buffer.writeBytes(bytes).writeBytes(this.delimiter);
	}

	private void writeLength(ByteBuf buffer, int length) {
		switch (this.settings.lengthFieldLength()) {
			case 1 -> buffer.writeByte(length);
			case 2 -> buffer.writeShort(length);
			case 3 -> buffer.writeMedium(length);
			case 4 -> buffer.writeInt(length);
			default -> buffer.writeLong(length);
		}
	}

	private static long maxLength(int fieldLength) {
		return (fieldLength >= 4) ? Integer.MAX_VALUE : (1L << (8 * fieldLength)) - 1;
	}

	private static void checkLength(int length, long max) {
		if (length > max) {
			throw new IllegalArgumentException(
					"Payload of " + length + " bytes does not fit a length field of max " + max);
		}
	}

	private static ByteBuffer toByteBuffer(Object payload, Charset charset) {
		if (payload instanceof byte[] bytes) {
			return ByteBuffer.wrap(bytes);
		}
		if (payload instanceof ByteBuffer buffer) {
			return buffer.duplicate();
		}
		if (payload instanceof CharSequence text) {
			return charset.encode(text.toString());
		}
		throw new IllegalArgumentException(
				"Cannot write a " + payload.getClass().getName() + "; payloads are String, byte[] or ByteBuffer");
	}

	Charset charset() {
		return this.settings.charset();
	}

}
