package dev.qtserver.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Closes a connection the way a server that shuts down must, so that the client gets the
 * end of its last response: the close becomes a half-close (a FIN once everything written
 * has gone), then the connection is read, and what comes is dropped, until the client
 * closes its side or {@link #LINGER} has passed.
 *
 * <p>
 * A plain close loses the response when the client has sent anything the server has not
 * read yet (an HTTP/2 client's {@code WINDOW_UPDATE}s as it reads, a pipelined request):
 * the kernel then answers with a reset and throws away what it still had to send. First
 * in the pipeline, so that it sees the close after everything else has had its say (the
 * HTTP/2 codec's {@code GOAWAY}, TLS's {@code close_notify}). Whoever waits for a client
 * that never closes cuts the connection past this handler.
 */
final class LingeringClose extends ChannelDuplexHandler {

	static final String NAME = "qtserver.lingeringClose";

	/**
	 * How long the connection stays half-closed once everything written is in the kernel,
	 * if the client does not close first: what the kernel still holds then reaches a
	 * client that reads at all, and a client that keeps an idle connection without
	 * reading it (a pool) does not hold the shutdown for long. Apache's lingering close
	 * waits as long.
	 */
	static final Duration LINGER = Duration.ofSeconds(2);

	/** The output is shut down (or about to be): what comes in is dropped. */
	private boolean lingering;

	private LingeringClose() {
	}

	/**
	 * Make the connection's close a lingering one; on its event loop.
	 * @param channel a connection
	 */
	static void install(Channel channel) {
		if (channel instanceof DuplexChannel && channel.pipeline().get(NAME) == null) {
			channel.pipeline().addFirst(NAME, new LingeringClose());
		}
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		DuplexChannel channel = (DuplexChannel) ctx.channel();
		if (this.lingering) {
			// another close meanwhile (TLS's flush timeout, the keep-alive timer): the
			// linger ends it
			ChannelPromise closed = promise.unvoid();
			channel.closeFuture().addListener((future) -> closed.trySuccess());
			return;
		}
		if (channel.isInputShutdown() || !channel.isActive()) {
			ctx.close(promise);
			return;
		}
		this.lingering = true;
		ChannelPromise closed = promise.unvoid();
		channel.closeFuture().addListener((future) -> closed.trySuccess());
		channel.config().setAutoRead(true);
		// written after everything before it, so the FIN follows the last byte
		ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((written) -> {
			if (!written.isSuccess()) {
				ctx.close();
				return;
			}
			channel.shutdownOutput().addListener((shut) -> {
				if (!shut.isSuccess()) {
					ctx.close();
					return;
				}
				ScheduledFuture<?> end = ctx.executor().schedule(() -> {
					ctx.close();
				}, LINGER.toNanos(), TimeUnit.NANOSECONDS);
				channel.closeFuture().addListener((future) -> end.cancel(false));
			});
		});
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.lingering) {
			ReferenceCountUtil.release(msg);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.lingering) {
			if (!ctx.channel().config().isAutoRead()) {
				ctx.read();
			}
			return;
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (this.lingering && event instanceof ChannelInputShutdownEvent) {
			// the client has read to our FIN, and closed its side too
			ctx.close();
			return;
		}
		super.userEventTriggered(ctx, event);
	}

}
