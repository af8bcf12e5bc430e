package dev.qtserver.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The bookkeeping every accepted connection carries, whatever its protocol: the serial
 * worker its user code runs on, why it closed, and what must run once it has.
 */
public final class ConnectionState {

	private final SerialExecutor executor;

	private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Void> closeHandled = new CompletableFuture<>();

	/** Why the connection closes; guarded by this. */
	private CloseReason whyClosed = CloseReason.PEER_CLOSED;

	/**
	 * Whether {@link #whyClosed} is final: the server gave a reason, the peer ended the
	 * connection, or its close was reported; guarded by this.
	 */
	private boolean settled;

	/**
	 * Whether {@link #whyClosed} is the shutdown's, given while the connection answers
	 * what it read ({@link #drainingForShutdown()}), so that a failure may still replace
	 * it; guarded by this.
	 */
	private boolean draining;

	/**
	 * Create the state of a new connection.
	 * @param workers the shared worker threads
	 */
	public ConnectionState(Executor workers) {
		this.executor = new SerialExecutor(workers);
	}

	/**
	 * Return the connection's serial worker: its events and handler calls run there, in
	 * order.
	 * @return the serial executor
	 */
	public SerialExecutor executor() {
		return this.executor;
	}

	/**
	 * Record why the connection is about to close. The first reason wins; a peer that
	 * ended the connection first (by shutting its side down) keeps
	 * {@link CloseReason#PEER_CLOSED}, and so does a connection whose close was already
	 * reported.
	 * @param reason why the server closes the connection
	 */
	public synchronized void closing(CloseReason reason) {
		// the check and the write under one lock: a close reported meanwhile sees either
		// no reason yet (and settles it) or this one, never a half-recorded one
		if (!this.settled) {
			this.settled = true;
			this.whyClosed = reason;
		}
		else if (this.draining && (reason == CloseReason.HANDLER_ERROR || reason == CloseReason.PROTOCOL_ERROR)) {
			this.draining = false;
			this.whyClosed = reason;
		}
	}

	/**
	 * Record that the connection closes because its server shuts down
	 * ({@link CloseReason#SERVER_SHUTDOWN}) once it has answered what it read, unless a
	 * reason was given already. A failure meanwhile (its handler's, or the peer breaking
	 * the protocol) ends it sooner, with a close of its own, so the failure's reason
	 * replaces this one; any other reason given later, the peer's included, does not.
	 */
	public synchronized void drainingForShutdown() {
		if (!this.settled) {
			this.settled = true;
			this.draining = true;
			this.whyClosed = CloseReason.SERVER_SHUTDOWN;
		}
	}

	/**
	 * Record that the peer shut its sending side down: whoever closes next, the peer
	 * ended it.
	 */
	public synchronized void peerShutDown() {
		this.settled = true;
	}

	/**
	 * Return why the connection closed, as the server sees it;
	 * {@link CloseReason#PEER_CLOSED} unless the server closed it. (A WebSocket session's
	 * {@code closeReason()} is something else: Qt's text of the close frame.)
	 * @return why the connection closed
	 */
	public synchronized CloseReason whyClosed() {
		return this.whyClosed;
	}

	/**
	 * Settle why the connection closed, once its channel has: the reason given so far, or
	 * {@link CloseReason#PEER_CLOSED}. The close is reported (counted, and its event
	 * published) with this reason, so a reason given after it changes nothing.
	 * @return why the connection closed
	 */
	synchronized CloseReason settleWhyClosed() {
		this.settled = true;
		this.draining = false;
		return this.whyClosed;
	}

	/**
	 * Add something to run on the worker once the connection has closed, such as a
	 * handler's {@code @OnDisconnect} method.
	 * @param hook the hook
	 */
	public void whenClosed(Runnable hook) {
		whenClosed(hook, this.executor);
	}

	/**
	 * Add something to run once the connection has closed, through one of the views of
	 * the connection's serial executor (itself, or {@link SerialExecutor#onEventLoop()}):
	 * after everything queued before the close, before the close is reported.
	 * @param hook the hook
	 * @param where the executor or its event-loop view
	 */
	public void whenClosed(Runnable hook, Executor where) {
		this.closeHooks.add(() -> where.execute(hook));
	}

	/** Queue the close hooks, in the order they were added. */
	void queueCloseHooks() {
		this.closeHooks.forEach(Runnable::run);
	}

	/**
	 * Return a future that completes once the close hooks ran and the close event was
	 * published.
	 * @return the future
	 */
	public CompletableFuture<Void> closeHandled() {
		return this.closeHandled;
	}

}
