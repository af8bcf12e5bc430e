package dev.qtserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/**
 * One load-generating connection: keeps a fixed number of lines in flight, and for every reply
 * checks it is the next line it sent (content and order), records the round trip, and sends a
 * new line. Replies of one read are answered with one write and one flush.
 *
 * <p>The framing is done here rather than with a {@code LineBasedFrameDecoder} so the client
 * allocates nothing per message and stays cheaper than the server it measures.
 */
final class EchoClientConnection extends ChannelInboundHandlerAdapter {

	private final int id;

	private final LoadCounters counters;

	private final int inflight;

	private final int contentLength;

	/** Content of the lines in flight, slot {@code sequence % inflight}. */
	private final byte[][] sentLines;

	/** When each line in flight was written, same slots. */
	private final long[] sentAt;

	/** A reply as received, to compare with {@link Arrays#equals}; a longer one is cut. */
	private final byte[] received;

	/** The start of a reply split across reads; longer replies are mismatches anyway. */
	private final byte[] partial;

	private int partialLength;

	private boolean skippingOverlongLine;

	private long nextToSend;

	private long nextToReceive;

	private @Nullable ChannelHandlerContext context;

	private @Nullable ByteBuf pendingWrite;

	private boolean closing;

	EchoClientConnection(int id, LoadCounters counters, int inflight, int lineBytes) {
		this.id = id;
		this.counters = counters;
		this.inflight = inflight;
		this.contentLength = EchoLines.contentLength(lineBytes);
		this.sentLines = new byte[inflight][this.contentLength];
		this.sentAt = new long[inflight];
		this.received = new byte[this.contentLength];
		this.partial = new byte[this.contentLength + 1];
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	/** Fill the pipe with the first {@code inflight} lines. Must run on the event loop. */
	void start() {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null || !ctx.channel().isActive()) {
			return;
		}
		long now = System.nanoTime();
		for (int i = 0; i < this.inflight; i++) {
			send(ctx, now);
		}
		flush(ctx);
	}

	/** Lines sent but not yet echoed. */
	long outstanding() {
		return this.nextToSend - this.nextToReceive;
	}

	/** Close without counting the close as an error. Must run on the event loop. */
	void close() {
		this.closing = true;
		ChannelHandlerContext ctx = this.context;
		if (ctx != null) {
			ctx.close();
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf in = (ByteBuf) msg;
		try {
			// one clock read per read batch: the replies in it arrived together
			long now = System.nanoTime();
			while (in.isReadable()) {
				int start = in.readerIndex();
				int newline = in.indexOf(start, in.writerIndex(), (byte) '\n');
				if (newline < 0) {
					keepPartial(in, start, in.writerIndex() - start);
					in.readerIndex(in.writerIndex());
					break;
				}
				int length = newline - start;
				if (this.partialLength == 0 && !this.skippingOverlongLine) {
					onLine(ctx, in, start, length, now);
				}
				else {
					keepPartial(in, start, length);
					onPartialLine(ctx, now);
				}
				in.readerIndex(newline + 1);
			}
		}
		finally {
			in.release();
		}
		ByteBuf out = this.pendingWrite;
		if (out != null) {
			this.pendingWrite = null;
			ctx.write(out, ctx.voidPromise());
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		ctx.flush();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!this.closing) {
			this.counters.error(this.id, cause.toString());
		}
		ctx.close();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (!this.closing) {
			this.counters.error(this.id, "closed by the server with " + outstanding() + " lines in flight");
		}
		ByteBuf out = this.pendingWrite;
		if (out != null) {
			this.pendingWrite = null;
			out.release();
		}
	}

	private void onLine(ChannelHandlerContext ctx, ByteBuf in, int start, int length, long now) {
		int copied = Math.min(length, this.received.length);
		in.getBytes(start, this.received, 0, copied);
		onReply(ctx, this.received, length, now);
	}

	private void onPartialLine(ChannelHandlerContext ctx, long now) {
		// a line that was longer than the buffer has lost its tail; its length makes it a mismatch
		int length = this.skippingOverlongLine ? Integer.MAX_VALUE : this.partialLength;
		this.skippingOverlongLine = false;
		this.partialLength = 0;
		onReply(ctx, this.partial, length, now);
	}

	/**
	 * Check a reply against the oldest line in flight.
	 * @param bytes holds the reply's first {@code min(length, bytes.length)} bytes
	 * @param length the reply's full length, newline excluded
	 */
	private void onReply(ChannelHandlerContext ctx, byte[] bytes, int length, long now) {
		long sequence = this.nextToReceive;
		if (sequence >= this.nextToSend) {
			this.counters.mismatch(this.id, sequence, "a reply to a line never sent");
			return;
		}
		this.nextToReceive++;
		int slot = (int) (sequence % this.inflight);
		byte[] expected = this.sentLines[slot];
		if (length != this.contentLength) {
			this.counters.mismatch(this.id, sequence, "expected " + this.contentLength + " bytes, got "
					+ ((length == Integer.MAX_VALUE) ? "more than " + this.partial.length : length));
		}
		else if (!Arrays.equals(bytes, 0, length, expected, 0, length)) {
			this.counters.mismatch(this.id, sequence, "expected '" + new String(expected, StandardCharsets.US_ASCII)
					+ "', got '" + new String(bytes, 0, length, StandardCharsets.US_ASCII) + "'");
		}
		this.counters.received(now - this.sentAt[slot]);
		// the slot is free only now that its reply is checked: the next line may reuse it
		if (this.counters.sending()) {
			send(ctx, now);
		}
	}

	private void keepPartial(ByteBuf in, int start, int length) {
		if (this.skippingOverlongLine) {
			return;
		}
		if (this.partialLength + length > this.partial.length) {
			this.skippingOverlongLine = true;
			return;
		}
		in.getBytes(start, this.partial, this.partialLength, length);
		this.partialLength += length;
	}

	private void send(ChannelHandlerContext ctx, long now) {
		long sequence = this.nextToSend++;
		int slot = (int) (sequence % this.inflight);
		byte[] line = this.sentLines[slot];
		EchoLines.fill(line, this.id, sequence);
		this.sentAt[slot] = now;
		ByteBuf out = this.pendingWrite;
		if (out == null) {
			// room for a typical read's worth of replies; the pooled buffer grows if more come
			out = ctx.alloc().directBuffer((line.length + 1) * this.inflight);
			this.pendingWrite = out;
		}
		out.writeBytes(line).writeByte('\n');
	}

	private void flush(ChannelHandlerContext ctx) {
		ByteBuf out = this.pendingWrite;
		if (out != null) {
			this.pendingWrite = null;
			ctx.writeAndFlush(out, ctx.voidPromise());
		}
	}

}
