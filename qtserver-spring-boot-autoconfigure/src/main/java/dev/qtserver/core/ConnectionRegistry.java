package dev.qtserver.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The open connections of one server and its queue of pending ones (Qt's
 * pending-connection list), with the events that go with them: new, pending, failed,
 * closed. Each connection's events are published on its own serial worker, in order,
 * never on an event loop.
 *
 * @param <C> the connection type
 */
public final class ConnectionRegistry<C extends ManagedConnection> {

	private static final Log logger = LogFactory.getLog(ConnectionRegistry.class);

	private static final Duration CLOSE_HANDLING_GRACE = Duration.ofSeconds(5);

	private final QtServer server;

	private final ServerSignals signals;

	private final ServerStatistics statistics;

	private final Map<Long, C> connections = new ConcurrentHashMap<>();

	private final PendingConnectionQueue<C> pending = new PendingConnectionQueue<>();

	private final AtomicLong ids = new AtomicLong();

	private final Runnable onRoomChange;

	/**
	 * Create a registry.
	 * @param server the server the connections belong to
	 * @param signals where connection signals go
	 * @param statistics the server's statistics
	 * @param onRoomChange called when a connection is taken or closes, so the server's
	 * listeners can accept again
	 */
	public ConnectionRegistry(QtServer server, ServerSignals signals, ServerStatistics statistics,
			Runnable onRoomChange) {
		this.server = server;
		this.signals = signals;
		this.statistics = statistics;
		this.onRoomChange = onRoomChange;
	}

	/**
	 * Return a new connection id.
	 * @return the id, unique for this server
	 */
	public long nextId() {
		return this.ids.incrementAndGet();
	}

	/**
	 * Register an accepted connection: count it, publish its events in Qt's order and
	 * watch for its close.
	 * @param connection the connection
	 * @param queue whether it waits in the pending queue for the application (no handler
	 * bound)
	 */
	public void register(C connection, boolean queue) {
		this.connections.put(connection.id(), connection);
		this.statistics.connectionAccepted();
		if (queue) {
			this.pending.add(connection);
		}
		connection.state().executor().execute(() -> {
			if (queue) {
				this.signals.pendingConnectionAvailable(connection);
			}
			this.signals.newConnection(connection);
		});
		connection.whenClosed(() -> closed(connection));
	}

	private void closed(C connection) {
		this.connections.remove(connection.id());
		this.pending.remove(connection);
		ConnectionState state = connection.state();
		CloseReason reason = state.settleWhyClosed();
		this.statistics.connectionClosed(reason);
		// each hook is a task of its own, on the thread it needs; the close is reported
		// after the last one
		state.queueCloseHooks();
		state.executor().execute(() -> {
			try {
				this.signals.connectionClosed(connection, reason);
			}
			finally {
				state.closeHandled().complete(null);
			}
		});
		this.onRoomChange.run();
	}

	/**
	 * Record a connection error: count it and publish the event, in order on the
	 * connection's worker.
	 * @param connection the connection
	 * @param error what went wrong
	 */
	public void failed(C connection, Throwable error) {
		this.statistics.error();
		connection.state().executor().execute(() -> this.signals.connectionError(connection, error));
	}

	/**
	 * Take the oldest pending connection.
	 * @return the connection, or {@code null} when none is pending
	 */
	public @Nullable C nextPending() {
		C connection = this.pending.poll();
		if (connection != null) {
			this.onRoomChange.run();
		}
		return connection;
	}

	/**
	 * Wait until a connection is pending; refuses to run on an event loop.
	 * @param timeout how long to wait at most
	 * @return whether a connection is pending
	 */
	public boolean awaitPending(Duration timeout) {
		return this.pending.awaitNonEmpty(timeout);
	}

	/**
	 * Return how many connections are pending.
	 * @return the number of pending connections
	 */
	public int pendingCount() {
		return this.pending.size();
	}

	/**
	 * Return how many connections are open, pending ones included.
	 * @return the number of open connections
	 */
	public int size() {
		return this.connections.size();
	}

	/**
	 * Close every pending connection, as Qt drops them when its server closes.
	 */
	public void dropPending() {
		for (C connection : this.pending.drain()) {
			connection.closeWith(CloseReason.SERVER_CLOSED);
		}
	}

	/**
	 * Return the open connections that were taken by the application or given to a
	 * handler.
	 * @return the connections, in no particular order
	 */
	public Collection<C> taken() {
		return this.connections.values().stream().filter((connection) -> !this.pending.contains(connection)).toList();
	}

	/**
	 * Look up an open connection.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	public Optional<C> get(long id) {
		return Optional.ofNullable(this.connections.get(id));
	}

	/**
	 * Close every open connection after the work already queued on it, wait for them
	 * within the timeout, cut what is left, and wait for their close events to be
	 * published.
	 * @param timeout how long connections may take to finish
	 */
	public void closeAll(Duration timeout) {
		List<C> open = new ArrayList<>(this.connections.values());
		if (open.isEmpty()) {
			return;
		}
		// after the messages already received, so those finish and their replies go out;
		// and lingering, so that they arrive even while the client still sends
		open.forEach((connection) -> {
			connection.lingerOnClose();
			connection.closeForShutdown();
		});
		try {
			Mono.when(open.stream().map(ManagedConnection::onClose).toList()).block(timeout);
		}
		catch (RuntimeException ex) {
			logger.warn(this.server.kind().displayName() + " server '" + this.server.name() + "' cut "
					+ this.connections.size() + " connection(s) still open after " + timeout);
			this.connections.values().forEach(ManagedConnection::abort);
		}
		// let @OnDisconnect methods and close events run before the worker threads go
		// away
		CompletableFuture<?>[] handled = open.stream()
			.map((connection) -> connection.state().closeHandled())
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(handled).get(CLOSE_HANDLING_GRACE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Server '" + this.server.name() + "' stopped before every connection's close was handled");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
