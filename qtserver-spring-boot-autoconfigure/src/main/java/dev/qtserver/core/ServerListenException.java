package dev.qtserver.core;

import java.net.InetAddress;

/**
 * Thrown when a server that starts with the application cannot listen; the application
 * then fails to start with a report that names the server, the address and the port.
 */
public class ServerListenException extends RuntimeException {

	private final QtServer server;

	private final InetAddress address;

	private final int port;

	/**
	 * Create an exception from the server's own error.
	 * @param server the server that failed
	 * @param address the address it tried
	 * @param port the port it tried
	 */
	public ServerListenException(QtServer server, InetAddress address, int port) {
		super(server.kind().displayName() + " server '" + server.name() + "' could not listen on "
				+ Addresses.describe(address, port) + ": " + server.errorString());
		this.server = server;
		this.address = address;
		this.port = port;
	}

	/**
	 * Return the server that failed.
	 * @return the server
	 */
	public QtServer getServer() {
		return this.server;
	}

	/**
	 * Return the address the server tried to listen on.
	 * @return the address
	 */
	public InetAddress getAddress() {
		return this.address;
	}

	/**
	 * Return the port the server tried to listen on.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Return why the server could not listen.
	 * @return the socket error
	 */
	public SocketError getError() {
		return this.server.serverError();
	}

}
