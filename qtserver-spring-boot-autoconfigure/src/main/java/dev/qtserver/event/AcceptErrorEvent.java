package dev.qtserver.event;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.SocketError;

/**
 * Published when a server fails to listen or to accept a connection: Qt's
 * {@code acceptError(QAbstractSocket::SocketError)} signal.
 */
public class AcceptErrorEvent extends QtServerEvent {

	private final SocketError error;

	private final String errorString;

	/**
	 * Create an event.
	 * @param server the server that failed
	 * @param error the kind of error
	 * @param errorString a human-readable description
	 */
	public AcceptErrorEvent(QtServer server, SocketError error, String errorString) {
		super(server);
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
