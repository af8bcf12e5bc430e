package dev.qtserver.core;

import reactor.core.publisher.Mono;

/**
 * A connection as the server that accepted it manages it: the part of a connection that
 * server implementations use, beside the {@link QtConnection} methods applications use.
 */
public interface ManagedConnection extends QtConnection {

	/**
	 * Return the connection's bookkeeping.
	 * @return the state
	 */
	ConnectionState state();

	/**
	 * Return a {@link Mono} that completes when the connection has closed.
	 * @return completes on close
	 */
	Mono<Void> onClose();

	/**
	 * Run a callback once the connection has closed, on its event loop. Cheaper than
	 * subscribing to {@link #onClose()}, for the server's own bookkeeping.
	 * @param callback what to run
	 */
	void whenClosed(Runnable callback);

	/**
	 * Close the connection (after flushing what was written, and, for protocols that have
	 * one, after a closing handshake), recording why.
	 * @param reason why the server closes it
	 */
	void closeWith(CloseReason reason);

	/**
	 * Close the connection at once, without flushing or a closing handshake.
	 */
	void abort();

	/**
	 * Make the connection's coming close a lingering one ({@link LingeringClose}): a FIN
	 * after the last byte written, then what the client still sends is dropped until it
	 * closes too. A server that shuts down does this, so that a client still sending does
	 * not turn the close into a reset, which would take the last replies with it.
	 * {@link #abort()} still closes at once.
	 */
	void lingerOnClose();

	/**
	 * Begin closing the connection because its server shuts down
	 * ({@link CloseReason#SERVER_SHUTDOWN}), so that the work it took in still finishes
	 * and is answered. By default the close is a task of the connection's executor,
	 * queued behind the work already queued on it; a kind whose reader understands an end
	 * of input ends the input at once instead, and the reader closes once it has answered
	 * what was read.
	 */
	default void closeForShutdown() {
		state().executor().execute(() -> closeWith(CloseReason.SERVER_SHUTDOWN));
	}

}
