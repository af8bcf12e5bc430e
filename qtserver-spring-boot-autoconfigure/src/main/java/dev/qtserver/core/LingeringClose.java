package dev.qtserver.core;

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
 * end of its last reply: the close becomes a half-close (a FIN once everything written
 * has gone), then the connection is read, and what comes is dropped, until the client
 * closes its side or {@link #LINGER} has passed. Every server kind's shutdown uses it.
 *
 * <p>
 * A plain close loses the replies when the client has sent anything the server has not
 * read yet (an HTTP/2 client's {@code WINDOW_UPDATE}s as it reads, a pipelined request,
 * the next lines of a TCP client that sends before it reads): the kernel then answers
 * with a reset and throws away what it still had to send. First in the pipeline, so that
 * it sees the close after everything else has had its say (the HTTP/2 codec's
 * {@code GOAWAY}, TLS's {@code close_notify}). Whoever waits for a client that never
 * closes cuts the connection past this handler.
 */
public final class LingeringClose extends ChannelDuplexHandler {

	/** The handler's name in the pipeline. */
	public static final String NAME = "qtserver.lingeringClose";

	/**
	 * How long the connection stays half-closed once everything written is in the kernel,
	 * if the client does not close first: what the kernel still holds then reaches a
	 * client that reads at all, and a client that keeps an idle connection without
	 * reading it (a pool) does not hold the shutdown for long. Apache's lingering close
	 * waits as long.
	 */
	public static final Duration LINGER = Duration.ofSeconds(2);

	/** The output is shut down (or about to be): what comes in is dropped. */
	private boolean lingering;

	/**
	 * What comes in is dropped, though the output is still open: the connection answers
	 * what it read before, then closes.
	 */
	private boolean droppingInput;

	private LingeringClose() {
	}

	/**
	 * Make the connection's close a lingering one; on its event loop.
	 * @param channel a connection
	 */
	public static void install(Channel channel) {
		if (channel instanceof DuplexChannel && channel.pipeline().get(NAME) == null) {
			channel.pipeline().addFirst(NAME, new LingeringClose());
		}
	}

	/**
	 * Make the connection's close a lingering one and drop what the client sends from now
	 * on, reading on so that a client that sends before it reads is not held up; on its
	 * event loop. For a server that stops taking requests but still answers the ones it
	 * read.
	 * @param channel a connection
	 */
	public static void dropInput(Channel channel) {
		install(channel);
		ChannelHandlerContext context = channel.pipeline().context(NAME);
		if (context != null) {
			((LingeringClose) context.handler()).droppingInput = true;
			channel.config().setAutoRead(true);
			context.read();
		}
	}

	/**
	 * Close a connection at once, past every handler that would wait (this one, the
	 * HTTP/2 codec's graceful close, TLS's {@code close_notify}).
	 * @param channel a connection
	 */
	public static void cut(Channel channel) {
		ChannelHandlerContext first = channel.pipeline().firstContext();
		if (first != null) {
			first.close();
		}
		else {
			channel.close();
		}
	}

	/**
	 * Whether the connection's close lingers.
	 * @param channel a connection
	 * @return whether this handler is installed on it
	 */
	public static boolean isInstalled(Channel channel) {
		return channel.pipeline().get(NAME) != null;
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
		if (this.lingering || this.droppingInput) {
			ReferenceCountUtil.release(msg);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.lingering || this.droppingInput) {
			if (!ctx.channel().config().isAutoRead()) {
				ctx.read();
			}
			if (this.lingering) {
				return;
			}
		}
		// also while only dropping: whoever still answers what was read before may
		// flush, or ask for more of it, at the end of a read
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
