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
 *
 * <p>
 * Frames come in two shapes. For the application's own reading (a pending connection's
 * {@code receive()}, a {@link TcpConnectionHandler}) a frame is the payload alone. For an
 * annotated handler it is the whole frame as it came, delimiter or length field included,
 * and the payload is a region of it ({@link #payloadOffset()},
 * {@link #payloadLength(ByteBuf)}): so a reply that is the received payload, unchanged,
 * can go back as the frame itself ({@link #isFramedAsReply(ByteBuf, int)}), without a
 * copy, as raw Reactor Netty's {@code out.send(in.receive().retain())} does.
 */
final class TcpFrameCodec {

	private static final byte[] LINE_END = { '\n' };

	private final TcpServerSettings settings;

	private final byte[] delimiter;

	/** Bytes in front of a whole frame's payload: the length field, if any. */
	private final int header;

	TcpFrameCodec(TcpServerSettings settings) {
		this.settings = settings;
		this.delimiter = switch (settings.framing()) {
			case LINE -> LINE_END;
			case DELIMITER -> settings.delimiter().getBytes(settings.charset());
			default -> new byte[0];
		};
		this.header = (settings.framing() == TcpFraming.LENGTH_FIELD) ? settings.lengthFieldLength() : 0;
	}

	/**
	 * Return a new frame decoder for one connection.
	 * @param wholeFrames whether frames keep their delimiter or length field (for an
	 * annotated handler, see the class description), else they are the payloads alone
	 * @return the decoder, or {@code null} when frames are raw reads
	 */
	@Nullable ChannelHandler newDecoder(boolean wholeFrames) {
		int max = this.settings.maxFrameLength();
		return switch (this.settings.framing()) {
			// the limit counts the payload, whether the delimiter stays or not
			case LINE -> new LineBasedFrameDecoder(max, !wholeFrames, true);
			case DELIMITER ->
				new DelimiterBasedFrameDecoder(max, !wholeFrames, true, Unpooled.wrappedBuffer(this.delimiter));
			case LENGTH_FIELD -> {
				int field = this.settings.lengthFieldLength();
				yield new LengthFieldBasedFrameDecoder(
						Integer.MAX_VALUE - field < max ? Integer.MAX_VALUE : max + field, 0, field, 0,
						wholeFrames ? 0 : field, true);
			}
			case RAW -> null;
		};
	}

	/**
	 * Return where the payload of a whole frame starts, from its reader index.
	 * @return the offset: the length field's length, else 0
	 */
	int payloadOffset() {
		return this.header;
	}

	/**
	 * Return the length of a whole frame's payload: the frame without its length field,
	 * or without its delimiter ({@code \n} or {@code \r\n} for lines).
	 * @param frame a whole frame
	 * @return the payload's length
	 */
	int payloadLength(ByteBuf frame) {
		int length = frame.readableBytes() - this.header;
		if (this.settings.framing() == TcpFraming.LINE) {
			int end = frame.writerIndex();
			if (length > 1) {
				// the last two bytes in one read: each read checks the buffer's state
				int last = frame.getShort(end - 2);
				if ((last & 0xFF) == '\n') {
					return ((last >> 8 & 0xFF) == '\r') ? length - 2 : length - 1;
				}
				return length;
			}
			return (length == 1 && frame.getByte(end - 1) == '\n') ? 0 : length;
		}
		return endsWithDelimiter(frame) ? length - this.delimiter.length : length;
	}

	private boolean endsWithDelimiter(ByteBuf frame) {
		int length = this.delimiter.length;
		if (length == 0 || frame.readableBytes() < length) {
			return false;
		}
		int start = frame.writerIndex() - length;
		for (int i = 0; i < length; i++) {
			if (frame.getByte(start + i) != this.delimiter[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return whether a whole frame, written as it is, is what {@link #encode} makes of
	 * its payload: a line ended by {@code \n} alone (a reply gets {@code \n}, not
	 * {@code \r\n}), a frame ended by the delimiter, any length-field frame (its field
	 * holds the payload's length) and any raw read.
	 * @param frame a whole frame
	 * @param payloadLength its payload's length, from {@link #payloadLength(ByteBuf)}
	 * @return whether the frame can be written back as the reply to itself
	 */
	boolean isFramedAsReply(ByteBuf frame, int payloadLength) {
		return frame.readableBytes() - this.header - payloadLength == this.delimiter.length;
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
			// it char by char (Netty's utf8Bytes and reserveAndWriteUtf8, as in Reactor
			// Netty's sendString, measured 4.5 % more CPU per message on mono-echo, one
			// launch each: at best no gain)
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
