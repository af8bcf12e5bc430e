package dev.qtserver.event;

import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;

/**
 * Base class for events about one connection.
 */
public abstract class QtConnectionEvent extends QtServerEvent {

	private final QtConnection connection;

	/**
	 * Create an event.
	 * @param server the server that accepted the connection
	 * @param connection the connection
	 */
	protected QtConnectionEvent(QtServer server, QtConnection connection) {
		super(server);
		this.connection = connection;
	}

	/**
	 * Return the connection the event is about.
	 * @return the connection
	 */
	public QtConnection getConnection() {
		return this.connection;
	}

	/**
	 * Return the id of the connection the event is about.
	 * @return the connection id
	 */
	public long getConnectionId() {
		return this.connection.id();
	}

}
