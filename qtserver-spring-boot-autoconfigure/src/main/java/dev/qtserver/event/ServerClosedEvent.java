package dev.qtserver.event;

import dev.qtserver.core.QtServer;

/**
 * Published when a server stops listening, through {@code close()} or at shutdown.
 */
public class ServerClosedEvent extends QtServerEvent {

	/**
	 * Create an event.
	 * @param server the server that stopped listening
	 */
	public ServerClosedEvent(QtServer server) {
		super(server);
	}

}
