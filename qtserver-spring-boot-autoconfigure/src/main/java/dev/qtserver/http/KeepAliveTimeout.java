package dev.qtserver.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.qtserver.ssl.TlsHalfClose;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Decides when an HTTP connection ends on the server's side. One per connection, first in
 * its pipeline, so it sees every byte read, whatever the protocol (HTTP/1.1, h2c, h2 over
 * TLS) becomes.
 *
 * <h2>Keep-alive timeout</h2> A connection that has been idle for the timeout (nothing
 * read for that long while none of its requests is being answered and no answer waits to
 * be written: a client slow to read is not idle) is closed. This replaces Reactor Netty's
 * {@code idleTimeout}, which adds an idle-state handler to the pipeline when an HTTP/1.1
 * response completes and removes it when the next request arrives: two pipeline changes
 * and a timer scheduled and cancelled per request, 7 % of raw Reactor Netty's throughput
 * on a keep-alive {@code GET} (measured side by side). Here a read costs a clock read, a
 * request two atomic increments, and the one timer re-arms itself once per timeout for as
 * long as the connection is in use.
 *
 * <h2>Half-close</h2> A client may close its sending side of the connection (a TCP
 * half-close, or a TLS 1.3 {@code close_notify} that {@link TlsHalfClose} passes on as
 * one) and still read, or may have gone away: the server cannot tell (see
 * {@link HalfClose}). Netty would close the connection as soon as it reads the end of the
 * stream, and with it an answer already being written. The server's connections therefore
 * allow half-closure, and this handler ends them as the server's {@link HalfClose}
 * setting says: {@code CANCEL} closes the connection once no answer is being written,
 * {@code ANSWER} once every request received is answered. It looks at the half-close, and
 * again whenever a request ends: when Reactor Netty's operations of an HTTP/1.1 request
 * end (an event that passes here first) and when an exchange ends. Each look waits two
 * event-loop tasks, because what the client sent last is decoded after the half-close has
 * passed here, and Reactor Netty hands a pipelined request over in a task it queues when
 * the request before it ended; only the latest look acts, as an earlier one may run
 * between a request's end and the hand-over of the next.
 */
final class KeepAliveTimeout extends ChannelDuplexHandler implements Runnable {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.keepAliveTimeout";

	private static final AtomicIntegerFieldUpdater<KeepAliveTimeout> EXCHANGES = AtomicIntegerFieldUpdater
		.newUpdater(KeepAliveTimeout.class, "exchanges");

	private final long timeoutNanos;

	private final boolean answerAfterHalfClose;

	/** Requests being answered; changed on the event loop and on workers. */
	private volatile int exchanges;

	/** When the connection last read, or last finished an answer. */
	private volatile long lastActive = System.nanoTime();

	private @Nullable ChannelHandlerContext ctx;

	private @Nullable ScheduledFuture<?> check;

	/** The client has closed its side: close once all is answered. */
	private volatile boolean inputShutdown;

	/** Whether the connection speaks HTTP/2; set before {@link #inputShutdown}. */
	private boolean streams;

	/** How many looks at a half-closed connection were asked for; on the event loop. */
	private int looks;

	/** The timeout closed the connection; on the event loop, as the close's listeners. */
	private boolean closedIdle;

	private KeepAliveTimeout(Duration timeout, HalfClose halfClose) {
		this.timeoutNanos = timeout.toNanos();
		this.answerAfterHalfClose = halfClose == HalfClose.ANSWER;
	}

	/**
	 * Put a keep-alive timeout first in a new connection's pipeline.
	 * @param channel the connection
	 * @param timeout how long it may stay idle
	 * @param halfClose what becomes of its requests when its client half-closes
	 * @return the timeout, for the connection's {@link HttpConnectionState}
	 */
	static KeepAliveTimeout install(Channel channel, Duration timeout, HalfClose halfClose) {
		KeepAliveTimeout handler = new KeepAliveTimeout(timeout, halfClose);
		channel.pipeline().addFirst(NAME, handler);
		return handler;
	}

	/**
	 * Return whether the keep-alive timeout closed the connection.
	 * @return whether it was idle for the timeout
	 */
	boolean closedForIdleness() {
		return this.closedIdle;
	}

	/**
	 * Return whether the connection has read nothing and answered nothing for a while.
	 * @param nanos how long
	 * @return whether it has been idle that long, with no request being answered
	 */
	boolean idleFor(long nanos) {
		return this.exchanges == 0 && System.nanoTime() - this.lastActive >= nanos;
	}

	/** A request of the connection is being answered from now on. */
	void exchangeStarted() {
		EXCHANGES.incrementAndGet(this);
	}

	/**
	 * A request of the connection has been answered; the connection may idle again.
	 * @param now {@link System#nanoTime()} at the end, which the caller has read already
	 */
	void exchangeEnded(long now) {
		this.lastActive = now;
		EXCHANGES.decrementAndGet(this);
		ChannelHandlerContext context = this.ctx;
		if (!this.inputShutdown || context == null) {
			return;
		}
		if (context.executor().inEventLoop()) {
			lookWhetherAnswered(context);
		}
		else {
			context.executor().execute(() -> lookWhetherAnswered(context));
		}
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		if (ctx.channel().isActive()) {
			schedule(this.timeoutNanos);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		if (this.check == null) {
			schedule(this.timeoutNanos);
		}
		ctx.fireChannelActive();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		this.lastActive = System.nanoTime();
		ctx.fireChannelReadComplete();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof ChannelInputShutdownEvent) {
			this.streams = ctx.pipeline().get(NettyPipeline.HttpTrafficHandler) == null;
			this.inputShutdown = true;
			lookWhetherAnswered(ctx);
		}
		else if (this.inputShutdown) {
			// among them Reactor Netty's own, when a request's operations have ended
			lookWhetherAnswered(ctx);
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void read(ChannelHandlerContext ctx) {
		// nothing is left to read, and the epoll transport fails a read asked of a
		// connection whose input is shut
		if (!this.inputShutdown) {
			ctx.read();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		// an upgraded connection is a WebSocket session's from now on: no timeout
		cancel();
		this.ctx = null;
	}

	/** The timer: on the event loop. */
	@Override
	public void run() {
		ChannelHandlerContext context = this.ctx;
		this.check = null;
		if (context == null || !context.channel().isActive()) {
			return;
		}
		if (this.exchanges > 0) {
			schedule(this.timeoutNanos);
			return;
		}
		long now = System.nanoTime();
		if (isWriting(context.channel())) {
			// a client slow to read is not idle: from now on the connection is
			this.lastActive = now;
			schedule(this.timeoutNanos);
			return;
		}
		long idle = now - this.lastActive;
		if (idle >= this.timeoutNanos) {
			this.closedIdle = true;
			context.channel().close();
		}
		else {
			schedule(this.timeoutNanos - idle);
		}
	}

	/**
	 * Whether an answer is still being written: bytes wait in the connection's outbound
	 * buffer, or Reactor Netty has an HTTP/1.1 response under way. A request's exchange
	 * ends before that: Reactor Netty completes the send of a whole response before it
	 * writes it, and holds the pipelined requests behind it until it has.
	 */
	private static boolean isWriting(Channel channel) {
		ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
		return (outbound != null && outbound.totalPendingWriteBytes() > 0) || hasResponseUnderWay(channel);
	}

	/** Whether Reactor Netty has an HTTP/1.1 response whose head went out. */
	private static boolean hasResponseUnderWay(Channel channel) {
		return ChannelOperations.get(channel) instanceof HttpServerResponse request && request.hasSentHeaders();
	}

	/**
	 * On the event loop: close the half-closed connection if nothing is left to write.
	 */
	private void lookWhetherAnswered(ChannelHandlerContext context) {
		int look = ++this.looks;
		EventExecutor loop = context.executor();
		loop.execute(() -> loop.execute(() -> {
			if (look == this.looks && this.ctx != null && isDone(context.channel())) {
				context.channel().close();
			}
		}));
	}

	private boolean isDone(Channel channel) {
		if (this.answerAfterHalfClose) {
			return isAnswered(channel);
		}
		// HTTP/1.1: an answer whose head went out is finished first; anything else is
		// cancelled with the connection (HTTP/2's streams with it)
		return this.streams || !hasResponseUnderWay(channel);
	}

	private boolean isAnswered(Channel channel) {
		if (this.exchanges > 0) {
			return false;
		}
		if (this.streams) {
			return true;
		}
		// HTTP/1.1: a request has operations bound to the connection from its head until
		// its answer is written; one whose body never came whole cannot be answered
		ChannelOperations<?, ?> request = ChannelOperations.get(channel);
		return request == null || !request.isInboundDisposed();
	}

	private void schedule(long delayNanos) {
		ChannelHandlerContext context = this.ctx;
		if (context != null) {
			this.check = context.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void cancel() {
		ScheduledFuture<?> scheduled = this.check;
		if (scheduled != null) {
			this.check = null;
			scheduled.cancel(false);
		}
	}

}
