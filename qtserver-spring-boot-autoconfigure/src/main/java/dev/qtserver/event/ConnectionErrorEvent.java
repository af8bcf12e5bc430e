package dev.qtserver.event;

import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;

/**
 * Published when a connection fails: a frame over the size limit, a handler that threw,
 * an I/O error. The counterpart of Qt's {@code QAbstractSocket::errorOccurred()} signal.
 */
public class ConnectionErrorEvent extends QtConnectionEvent {

	private final Throwable error;

	/**
	 * Create an event.
	 * @param server the server that accepted the connection
	 * @param connection the connection
	 * @param error what went wrong
	 */
	public ConnectionErrorEvent(QtServer server, QtConnection connection, Throwable error) {
		super(server, connection);
		this.error = error;
	}

	/**
	 * Return what went wrong.
	 * @return the error
	 */
	public Throwable getError() {
		return this.error;
	}

}
