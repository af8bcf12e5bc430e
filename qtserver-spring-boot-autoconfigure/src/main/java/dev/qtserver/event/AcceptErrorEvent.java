package dev.qtserver.event;

import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;

/**
 * Published when a server fails to listen or to accept a connection: Qt's
 * {@code acceptError(QAbstractSocket::SocketError)} signal, for one of its listeners.
 */
public class AcceptErrorEvent extends QtListenerEvent {

	private final SocketError error;

	private final String errorString;

	/**
	 * Create an event.
	 * @param listener the listener that failed
	 * @param error the kind of error
	 * @param errorString a human-readable description
	 */
	public AcceptErrorEvent(ServerListener listener, SocketError error, String errorString) {
		super(listener);
		this.error = error;
		this.errorString = errorString;
	}

	/**
	 * Return the kind of error.
	 * @return the error
	 */
	public SocketError getError() {
		return this.error;
	}

	/**
	 * Return a human-readable description of the error.
	 * @return the description
	 */
	public String getErrorString() {
		return this.errorString;
	}

}
