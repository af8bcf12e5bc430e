package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Published when a certificate verification error stopped a handshake, as Qt's
 * {@code QSslServer::handshakeInterruptedOnError}. Qt can resume such a handshake
 * ({@code continueInterruptedHandshake}); the JDK's TLS engine cannot, so the connection
 * is closed after this event.
 */
public class HandshakeInterruptedOnErrorEvent extends SslConnectionEvent {

	private final SslError error;

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param error the error that stopped the handshake
	 */
	public HandshakeInterruptedOnErrorEvent(QtServer server, long connectionId, InetSocketAddress peerAddress,
			SslError error) {
		super(server, connectionId, peerAddress);
		this.error = error;
	}

	/**
	 * Return the error that stopped the handshake.
	 * @return the error
	 */
	public SslError getError() {
		return this.error;
	}

}
