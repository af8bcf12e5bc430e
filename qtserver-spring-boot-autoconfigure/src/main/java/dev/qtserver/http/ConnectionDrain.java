package dev.qtserver.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.qtserver.core.LingeringClose;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import reactor.netty.channel.ChannelOperations;

/**
 * Closes an HTTP server's connections at shutdown, once every handler has answered,
 * without cutting a response that is still on its way out.
 *
 * <p>
 * A handler's answer is not yet on the wire when it completes: Reactor Netty 1.3 writes a
 * whole response only once the handler's publisher completes, and HTTP/2 holds a stream's
 * data in its flow controller until the client's window lets it go. A plain close would
 * drop either (the client of an HTTP/2 stream sees its headers, {@code GOAWAY} and the
 * end of the connection, with no data). So each connection closes when it is really done:
 * <ul>
 * <li>an HTTP/2 connection through its codec, which sends {@code GOAWAY} and closes once
 * its open streams have ended;</li>
 * <li>an HTTP/1.x connection once Reactor Netty has wound up the exchange it is writing,
 * and the ones it had queued behind it; an idle one at once.</li>
 * </ul>
 * Either close lingers ({@link LingeringClose}), so that the client reads to the end; a
 * connection idle for longer than the linger closes plainly. What is still open at the
 * deadline is cut, past the HTTP/2 codec, which would go on waiting for its streams.
 */
final class ConnectionDrain {

	/**
	 * How long a cut may take: one task on each connection's event loop, unless a loop is
	 * held up by something else.
	 */
	private static final Duration CUT_WAIT = Duration.ofSeconds(1);

	private ConnectionDrain() {
	}

	/**
	 * Close the connections, and wait for them until the deadline.
	 * @param connections the server's open connections (not HTTP/2 streams)
	 * @param deadline when to cut what is left, in {@link System#nanoTime()}
	 * @return the connections cut at the deadline
	 */
	static int closeAll(Collection<Channel> connections, long deadline) {
		List<Channel> draining = new ArrayList<>(connections);
		if (closeAndAwait(draining, ConnectionDrain::closeWhenAnswered, deadline - System.nanoTime())) {
			return 0;
		}
		return cutAll(draining);
	}

	/**
	 * Cut the connections still open, whatever they are writing, and wait (briefly) until
	 * they are closed: a cut is a task of each connection's event loop, and a shutdown
	 * that returned before it ran would leave a connection writing on to a client that
	 * reads (a client that had read nothing of a 24 MB response got all of it).
	 * @param connections the server's connections
	 * @return how many were open
	 */
	static int cutAll(Collection<Channel> connections) {
		List<Channel> open = connections.stream().filter(Channel::isOpen).toList();
		closeAndAwait(open, LingeringClose::cut, CUT_WAIT.toNanos());
		return open.size();
	}

	/**
	 * Close each connection on its event loop as asked, and wait for them all to be
	 * closed. Called by the thread that shuts the server down, never on an event loop.
	 * @return whether all were closed in time
	 */
	private static boolean closeAndAwait(List<Channel> connections, Consumer<Channel> close, long nanos) {
		CountDownLatch closed = new CountDownLatch(connections.size());
		for (Channel channel : connections) {
			channel.closeFuture().addListener((future) -> closed.countDown());
			onEventLoop(channel, () -> close.accept(channel));
		}
		try {
			return closed.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** On the event loop: close now, or once the exchange being written has ended. */
	private static void closeWhenAnswered(Channel channel) {
		if (!channel.isOpen()) {
			return;
		}
		HttpConnectionState connection = HttpConnectionState.of(channel);
		if (connection == null || channel.pipeline().get(KeepAliveTimeout.NAME) == null) {
			// a WebSocket session's now (upgraded after the sessions were shut down)
			channel.close();
			return;
		}
		Http2ConnectionHandler http2 = channel.pipeline().get(Http2ConnectionHandler.class);
		ChannelOperations<?, ?> exchange = (http2 != null) ? null : ChannelOperations.get(channel);
		// an idle connection's last answer has had the linger's time to arrive
		if (http2 != null || exchange != null || !connection.keepAlive().idleFor(LingeringClose.LINGER.toNanos())) {
			LingeringClose.install(channel);
		}
		if (http2 != null) {
			// Reactor Netty's codec waits for no stream (Netty's default for a frame
			// codec): let it wait for them all, the deadline cuts it
			http2.gracefulShutdownTimeoutMillis(-1);
		}
		if (exchange == null) {
			channel.close();
			return;
		}
		// the next task, not within the termination: Reactor Netty hands a queued request
		// over as it winds this one up
		exchange.onTerminate()
			.subscribe(null, (error) -> channel.close(), () -> onEventLoop(channel, () -> closeWhenAnswered(channel)));
	}

	private static void onEventLoop(Channel channel, Runnable task) {
		try {
			channel.eventLoop().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// the event loop is going away, and its connections with it
			channel.close();
		}
	}

}
