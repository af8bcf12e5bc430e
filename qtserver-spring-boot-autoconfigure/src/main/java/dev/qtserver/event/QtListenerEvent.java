package dev.qtserver.event;

import dev.qtserver.core.ServerListener;

/**
 * Base class for the events about one listening socket of a server: a TCP or WebSocket
 * server has one listener, an HTTP server may have several.
 */
public abstract class QtListenerEvent extends QtServerEvent {

	private final ServerListener listener;

	/**
	 * Create an event.
	 * @param listener the listener the event is about
	 */
	protected QtListenerEvent(ServerListener listener) {
		super(listener.server());
		this.listener = listener;
	}

	/**
	 * Return the listener the event is about.
	 * @return the listener
	 */
	public ServerListener getListener() {
		return this.listener;
	}

	/**
	 * Return the listener's position among its server's listeners.
	 * @return the index, 0 for the first
	 */
	public int getListenerIndex() {
		return this.listener.index();
	}

}
