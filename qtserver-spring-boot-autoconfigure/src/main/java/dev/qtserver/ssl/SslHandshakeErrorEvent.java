package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.SocketError;

/**
 * Published when a connection fails before it is encrypted, as Qt's
 * {@code QSslServer::errorOccurred}: {@link SocketError#SSL_HANDSHAKE_FAILED} for a
 * refused or broken handshake (a plaintext client included),
 * {@link SocketError#SOCKET_TIMEOUT} for a client that did not finish in time,
 * {@link SocketError#REMOTE_HOST_CLOSED} for one that went away. The connection is closed
 * and never becomes pending. Always the last SSL event of a failed handshake.
 */
public class SslHandshakeErrorEvent extends SslConnectionEvent {

	private final SocketError error;

	private final String errorString;

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param error the kind of failure
	 * @param errorString what went wrong
	 */
	public SslHandshakeErrorEvent(QtServer server, long connectionId, InetSocketAddress peerAddress, SocketError error,
			String errorString) {
		super(server, connectionId, peerAddress);
		this.error = error;
		this.errorString = errorString;
	}

	/**
	 * Return the kind of failure.
	 * @return the error
	 */
	public SocketError getError() {
		return this.error;
	}

	/**
	 * Return what went wrong.
	 * @return the description
	 */
	public String getErrorString() {
		return this.errorString;
	}

	@Override
	public String toString() {
		return super.toString() + "[" + this.error + ": " + this.errorString + "]";
	}

}
