package dev.qtserver.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * Counts the bytes of one connection where they cross the socket, into its server's
 * {@link ServerStatistics}. It is the first handler of the pipeline, in front of any
 * {@code SslHandler}, so it counts wire bytes (TLS records as sent, HTTP as encoded), as
 * Reactor Netty's {@code data.received} and {@code data.sent} do.
 *
 * <p>
 * One per connection, so that it can sum in plain fields on the event loop and add to the
 * shared totals once per read batch ({@code channelReadComplete}) and once per flush,
 * rather than once per buffer. Bytes written but never flushed are not counted: a closing
 * channel drops them unsent.
 */
final class ByteCounter extends ChannelDuplexHandler {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.byteCounter";

	private final ServerStatistics statistics;

	private long read;

	private long written;

	ByteCounter(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof ByteBuf buffer) {
			this.read += buffer.readableBytes();
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		reportRead();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		this.written += size(msg);
		ctx.write(msg, promise);
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		if (this.written > 0) {
			this.statistics.bytesSent(this.written);
			this.written = 0;
		}
		ctx.flush();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		// a read that the close cut short has no read-complete of its own
		reportRead();
		super.channelInactive(ctx);
	}

	private void reportRead() {
		if (this.read > 0) {
			this.statistics.bytesReceived(this.read);
			this.read = 0;
		}
	}

	private static long size(Object msg) {
		if (msg instanceof ByteBuf buffer) {
			return buffer.readableBytes();
		}
		if (msg instanceof ByteBufHolder holder) {
			return holder.content().readableBytes();
		}
		if (msg instanceof FileRegion region) {
			return region.count() - region.transferred();
		}
		return 0;
	}

}
