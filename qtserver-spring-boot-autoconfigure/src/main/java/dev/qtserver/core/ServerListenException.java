package dev.qtserver.core;

import java.net.InetAddress;

/**
 * Thrown when a server that starts with the application cannot listen; the application
 * then fails to start with a report that names the server, the listener, the address and
 * the port.
 */
public class ServerListenException extends RuntimeException {

	private final QtServer server;

	private final ServerListener listener;

	/**
	 * Create an exception from the listener's own error.
	 * @param listener the listener that could not listen on its configured address
	 */
	public ServerListenException(ServerListener listener) {
		super(listener.description() + " could not listen on "
				+ Addresses.describe(listener.configuredAddress().getAddress(), listener.configuredAddress().getPort())
				+ ": " + listener.errorString());
		this.server = listener.server();
		this.listener = listener;
	}

	/**
	 * Return the server that failed.
	 * @return the server
	 */
	public QtServer getServer() {
		return this.server;
	}

	/**
	 * Return the listener that failed.
	 * @return the listener
	 */
	public ServerListener getListener() {
		return this.listener;
	}

	/**
	 * Return the address the listener tried to listen on.
	 * @return the address
	 */
	public InetAddress getAddress() {
		return this.listener.configuredAddress().getAddress();
	}

	/**
	 * Return the port the listener tried to listen on.
	 * @return the port
	 */
	public int getPort() {
		return this.listener.configuredAddress().getPort();
	}

	/**
	 * Return why the listener could not listen.
	 * @return the socket error
	 */
	public SocketError getError() {
		return this.listener.serverError();
	}

}
