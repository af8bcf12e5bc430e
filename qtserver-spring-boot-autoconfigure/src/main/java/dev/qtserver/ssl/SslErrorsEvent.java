package dev.qtserver.ssl;

import java.net.InetSocketAddress;
import java.util.List;

import dev.qtserver.core.QtServer;

/**
 * Published when a handshake fails on errors about the peer or the handshake itself, as
 * Qt's {@code QSslServer::sslErrors}. Unlike Qt, a listener cannot ignore them: the JDK's
 * TLS engine has already ended the handshake.
 */
public class SslErrorsEvent extends SslConnectionEvent {

	private final List<SslError> errors;

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param errors what failed
	 */
	public SslErrorsEvent(QtServer server, long connectionId, InetSocketAddress peerAddress, List<SslError> errors) {
		super(server, connectionId, peerAddress);
		this.errors = List.copyOf(errors);
	}

	/**
	 * Return what failed.
	 * @return the errors
	 */
	public List<SslError> getErrors() {
		return this.errors;
	}

}
