package dev.qtserver.event;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;

/**
 * Published when a connection has closed, after the handler's {@code @OnDisconnect}
 * method ran: the counterpart of Qt's {@code QAbstractSocket::disconnected()} signal.
 */
public class ConnectionClosedEvent extends QtConnectionEvent {

	private final CloseReason reason;

	/**
	 * Create an event.
	 * @param server the server that accepted the connection
	 * @param connection the connection
	 * @param reason why it closed
	 */
	public ConnectionClosedEvent(QtServer server, QtConnection connection, CloseReason reason) {
		super(server, connection);
		this.reason = reason;
	}

	/**
	 * Return why the connection closed.
	 * @return the reason
	 */
	public CloseReason getReason() {
		return this.reason;
	}

}
