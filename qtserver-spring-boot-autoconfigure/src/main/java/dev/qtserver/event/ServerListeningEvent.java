package dev.qtserver.event;

import java.net.InetSocketAddress;

import dev.qtserver.core.ServerListener;

/**
 * Published once a listener of a server listens, with the address and port it bound
 * (beyond Qt, which has no such signal; with port 0 this is how to learn the port the
 * system chose). A server with several listeners publishes one per listener.
 */
public class ServerListeningEvent extends QtListenerEvent {

	private final InetSocketAddress address;

	/**
	 * Create an event.
	 * @param listener the listener now listening
	 * @param address the bound address and port
	 */
	public ServerListeningEvent(ServerListener listener, InetSocketAddress address) {
		super(listener);
		this.address = address;
	}

	/**
	 * Return the bound address and port.
	 * @return the bound address
	 */
	public InetSocketAddress getAddress() {
		return this.address;
	}

	/**
	 * Return the bound port.
	 * @return the bound port
	 */
	public int getPort() {
		return this.address.getPort();
	}

}
