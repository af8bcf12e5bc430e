package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Published when the client's certificate fails verification (an untrusted, expired or
 * missing certificate where one is required), as Qt's
 * {@code QSslServer::peerVerifyError}. The JDK's TLS engine ends the handshake at the
 * first such error, so there is one per refused connection, followed by
 * {@link SslErrorsEvent}.
 */
public class PeerVerifyErrorEvent extends SslConnectionEvent {

	private final SslError error;

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param error what failed
	 */
	public PeerVerifyErrorEvent(QtServer server, long connectionId, InetSocketAddress peerAddress, SslError error) {
		super(server, connectionId, peerAddress);
		this.error = error;
	}

	/**
	 * Return what failed.
	 * @return the error
	 */
	public SslError getError() {
		return this.error;
	}

}
