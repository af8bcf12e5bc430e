package dev.qtserver.event;

import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;

/**
 * Published when an accepted connection is queued for the application to take with
 * {@code nextPendingConnection()}: Qt's {@code pendingConnectionAvailable()} signal. Only
 * servers without a handler queue connections; as in Qt, it comes just before the
 * {@link NewConnectionEvent}.
 */
public class PendingConnectionAvailableEvent extends QtConnectionEvent {

	/**
	 * Create an event.
	 * @param server the server that accepted the connection
	 * @param connection the connection
	 */
	public PendingConnectionAvailableEvent(QtServer server, QtConnection connection) {
		super(server, connection);
	}

}
