package dev.qtserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/**
 * One load-generating connection: keeps a fixed number of messages in flight, and for
 * every reply checks it is the next message it sent (content and order), records the
 * round trip, and sends a new message. Replies of one read are answered with one write
 * and one flush.
 *
 * <p>
 * Subclasses frame the messages on the wire ({@link LineClientConnection} for lines,
 * {@link WebSocketClientConnection} for WebSocket text frames). They frame by hand, into
 * and out of the read and write buffers, so the client allocates nothing per message and
 * stays cheaper than the server it measures.
 */
abstract class EchoClientConnection extends ChannelInboundHandlerAdapter {

	/** The length a subclass reports for a reply too long to keep. */
	static final int OVERLONG = -1;

	private final int id;

	private final LoadCounters counters;

	private final int inflight;

	private final int contentLength;

	/** Content of the messages in flight, slot {@code sequence % inflight}. */
	private final byte[][] sentMessages;

	/** When each message in flight was written, same slots. */
	private final long[] sentAt;

	/** Completes once the connection can carry messages, fails if it never will. */
	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private long nextToSend;

	private long nextToReceive;

	private @Nullable Channel channel;

	private @Nullable ChannelHandlerContext context;

	private @Nullable ByteBuf pendingWrite;

	private boolean closing;

	/**
	 * @param contentLength the bytes of each message's content, framing excluded
	 */
	EchoClientConnection(int id, LoadCounters counters, int inflight, int contentLength) {
		this.id = id;
		this.counters = counters;
		this.inflight = inflight;
		this.contentLength = contentLength;
		this.sentMessages = new byte[inflight][contentLength];
		this.sentAt = new long[inflight];
	}

	/**
	 * Set up a new channel's pipeline for this connection; the default adds just this
	 * handler.
	 */
	void initChannel(Channel channel) {
		this.channel = channel;
		channel.pipeline().addLast(this);
	}

	final int id() {
		return this.id;
	}

	final LoadCounters counters() {
		return this.counters;
	}

	final int contentLength() {
		return this.contentLength;
	}

	/** Completes once the connection can carry messages, fails if it never will. */
	final CompletableFuture<Void> ready() {
		return this.ready;
	}

	private boolean isReady() {
		return this.ready.isDone() && !this.ready.isCompletedExceptionally();
	}

	/**
	 * Fill the pipe with the first {@code inflight} messages. Must run on the event loop.
	 */
	final void start() {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null || !ctx.channel().isActive() || !isReady()) {
			return;
		}
		long now = System.nanoTime();
		for (int i = 0; i < this.inflight; i++) {
			send(ctx, now);
		}
		ByteBuf out = this.pendingWrite;
		if (out != null) {
			this.pendingWrite = null;
			ctx.writeAndFlush(out, ctx.voidPromise());
		}
	}

	/** Messages sent but not yet echoed. */
	final long outstanding() {
		return this.nextToSend - this.nextToReceive;
	}

	/**
	 * Close without counting the close as an error. Must run on the event loop.
	 * @return the channel's close future, or {@code null} if it never had a channel
	 */
	final @Nullable ChannelFuture close() {
		Channel ch = this.channel;
		if (ch == null) {
			return null;
		}
		if (!this.closing) {
			this.closing = true;
			ChannelHandlerContext ctx = this.context;
			if (ctx != null && ctx.channel().isActive() && isReady()) {
				closeGracefully(ctx);
			}
			else {
				ch.close();
			}
		}
		return ch.closeFuture();
	}

	/** Whether {@link #close()} was called: the close is ours, not the server's. */
	final boolean closing() {
		return this.closing;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf in = (ByteBuf) msg;
		try {
			// one clock read per read batch: the replies in it arrived together
			decode(ctx, in, System.nanoTime());
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
		fail(ctx, cause.toString());
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (!this.closing) {
			this.counters.error(this.id, "closed by the server with " + outstanding() + " messages in flight");
		}
		this.ready.completeExceptionally(new IllegalStateException("closed"));
		ByteBuf out = this.pendingWrite;
		if (out != null) {
			this.pendingWrite = null;
			out.release();
		}
		ctx.fireChannelInactive();
	}

	/** The connection can carry messages from now on. */
	final void markReady() {
		this.ready.complete(null);
	}

	/** Count a problem that ends the connection, and close it. */
	final void fail(ChannelHandlerContext ctx, String problem) {
		if (!this.closing) {
			this.closing = true;
			this.counters.error(this.id, problem);
		}
		this.ready.completeExceptionally(new IllegalStateException(problem));
		ctx.close();
	}

	/**
	 * Take the replies out of one read: call {@link #onReply} for each whole one, keep a
	 * partial one for the next read.
	 * @param now when the read arrived
	 */
	abstract void decode(ChannelHandlerContext ctx, ByteBuf in, long now);

	/** The bytes one message takes on the wire, framing included. */
	abstract int framedLength();

	/** Append the framed message with this content to {@code out}. */
	abstract void encode(ByteBuf out, byte[] content);

	/** Close a ready connection at the end of the run; WebSocket says goodbye first. */
	void closeGracefully(ChannelHandlerContext ctx) {
		ctx.close();
	}

	/**
	 * Check a reply against the oldest message in flight, and send the next one.
	 * @param bytes holds the reply's first {@code min(length, bytes.length)} bytes
	 * @param length the reply's full length, framing excluded, or {@link #OVERLONG}
	 */
	final void onReply(ChannelHandlerContext ctx, byte[] bytes, int length, long now) {
		long sequence = this.nextToReceive;
		if (sequence >= this.nextToSend) {
			this.counters.mismatch(this.id, sequence, "a reply to a message never sent");
			return;
		}
		this.nextToReceive++;
		int slot = (int) (sequence % this.inflight);
		byte[] expected = this.sentMessages[slot];
		if (length != this.contentLength) {
			this.counters.mismatch(this.id, sequence, "expected " + this.contentLength + " bytes, got "
					+ ((length == OVERLONG) ? "more than " + bytes.length : length));
		}
		else if (!Arrays.equals(bytes, 0, length, expected, 0, length)) {
			this.counters.mismatch(this.id, sequence, "expected '" + new String(expected, StandardCharsets.US_ASCII)
					+ "', got '" + new String(bytes, 0, length, StandardCharsets.US_ASCII) + "'");
		}
		this.counters.received(now - this.sentAt[slot]);
		// the slot is free only now that its reply is checked: the next message may reuse
		// it
		if (this.counters.sending()) {
			send(ctx, now);
		}
	}

	private void send(ChannelHandlerContext ctx, long now) {
		long sequence = this.nextToSend++;
		int slot = (int) (sequence % this.inflight);
		byte[] message = this.sentMessages[slot];
		EchoLines.fill(message, this.id, sequence);
		this.sentAt[slot] = now;
		ByteBuf out = this.pendingWrite;
		if (out == null) {
			// room for a typical read's worth of replies; the pooled buffer grows if more
			// come
			out = ctx.alloc().directBuffer(framedLength() * this.inflight);
			this.pendingWrite = out;
		}
		encode(out, message);
	}

}
