package dev.qtserver.event;

import dev.qtserver.core.QtServer;
import org.springframework.context.ApplicationEvent;

/**
 * Base class for the events a Qt-style server publishes, one subclass per Qt signal.
 * Events are published synchronously, like a Qt direct connection: server events on the
 * thread that called {@code listen()} or {@code close()}, connection events on the
 * connection's worker thread, in order, never on a Netty event loop.
 */
public abstract class QtServerEvent extends ApplicationEvent {

	/**
	 * Create an event.
	 * @param server the server that publishes it
	 */
	protected QtServerEvent(QtServer server) {
		super(server);
	}

	/**
	 * Return the server that published the event.
	 * @return the server
	 */
	public QtServer getServer() {
		return (QtServer) getSource();
	}

	/**
	 * Return the name of the server that published the event.
	 * @return the server name
	 */
	public String getServerName() {
		return getServer().name();
	}

}
