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

	private volatile CloseReason whyClosed = CloseReason.PEER_CLOSED;

	private volatile boolean peerShutDown;

	private volatile boolean closing;

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
	 * Record why the connection is about to close. The first reason wins, and a peer that
	 * ended the connection first (by shutting its side down) keeps
	 * {@link CloseReason#PEER_CLOSED}.
	 * @param reason why the server closes the connection
	 */
	public void closing(CloseReason reason) {
		synchronized (this) {
			if (this.closing || this.peerShutDown) {
				return;
			}
			this.closing = true;
		}
		this.whyClosed = reason;
	}

	/**
	 * Record that the peer shut its sending side down: whoever closes next, the peer
	 * ended it.
	 */
	public synchronized void peerShutDown() {
		this.peerShutDown = true;
	}

	/**
	 * Return why the connection closed, as the server sees it;
	 * {@link CloseReason#PEER_CLOSED} unless the server closed it. (A WebSocket session's
	 * {@code closeReason()} is something else: Qt's text of the close frame.)
	 * @return why the connection closed
	 */
	public CloseReason whyClosed() {
		return this.whyClosed;
	}

	/**
	 * Add something to run on the worker once the connection has closed, such as a
	 * handler's {@code @OnDisconnect} method.
	 * @param hook the hook
	 */
	public void whenClosed(Runnable hook) {
		this.closeHooks.add(hook);
	}

	void runCloseHooks() {
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
