package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;
import dev.qtserver.event.QtServerEvent;

/**
 * Base class of the signals a secure listener raises about a connection in its TLS
 * handshake, as Qt's {@code QSslServer} passes the {@code QSslSocket}. The connection has
 * no socket object yet (it becomes one only once encrypted), so the event carries its id,
 * which the connection keeps once it is pending, and the peer's address. Like every
 * connection event it is published on a worker, in order, never on an event loop.
 */
public abstract class SslConnectionEvent extends QtServerEvent {

	private final long connectionId;

	private final InetSocketAddress peerAddress;

	/**
	 * Create an event.
	 * @param server the server whose listener accepted the connection
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 */
	protected SslConnectionEvent(QtServer server, long connectionId, InetSocketAddress peerAddress) {
		super(server);
		this.connectionId = connectionId;
		this.peerAddress = peerAddress;
	}

	/**
	 * Return the connection's id: the id of the socket it becomes once encrypted.
	 * @return the id
	 */
	public long getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Return the client's address.
	 * @return the address
	 */
	public InetSocketAddress getPeerAddress() {
		return this.peerAddress;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[server=" + getServerName() + ", connection=" + this.connectionId
				+ ", peer=" + this.peerAddress + "]";
	}

}
