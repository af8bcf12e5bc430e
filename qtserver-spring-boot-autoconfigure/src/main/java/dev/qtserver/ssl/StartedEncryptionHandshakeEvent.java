package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Published when a client's first TLS record arrives and the handshake starts, as Qt's
 * {@code QSslServer::startedEncryptionHandshake}. Once per secure connection.
 */
public class StartedEncryptionHandshakeEvent extends SslConnectionEvent {

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 */
	public StartedEncryptionHandshakeEvent(QtServer server, long connectionId, InetSocketAddress peerAddress) {
		super(server, connectionId, peerAddress);
	}

}
