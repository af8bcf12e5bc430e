package dev.qtserver.event;

import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;

/**
 * Published when a server accepts a new connection: Qt's {@code newConnection()} signal.
 * A server with a handler bound publishes it before the handler's {@code @OnConnect}
 * method runs.
 */
public class NewConnectionEvent extends QtConnectionEvent {

	/**
	 * Create an event.
	 * @param server the server that accepted the connection
	 * @param connection the connection
	 */
	public NewConnectionEvent(QtServer server, QtConnection connection) {
		super(server, connection);
	}

}
