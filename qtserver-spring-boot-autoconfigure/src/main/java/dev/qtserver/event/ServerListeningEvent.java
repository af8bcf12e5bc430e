package dev.qtserver.event;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Published once a server listens, with the address and port it bound (beyond Qt, which
 * has no such signal; with port 0 this is how to learn the port the system chose).
 */
public class ServerListeningEvent extends QtServerEvent {

	private final InetSocketAddress address;

	/**
	 * Create an event.
	 * @param server the server now listening
	 * @param address the bound address and port
	 */
	public ServerListeningEvent(QtServer server, InetSocketAddress address) {
		super(server);
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
