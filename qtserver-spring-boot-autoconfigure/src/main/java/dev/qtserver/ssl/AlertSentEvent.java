package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Published when the server sent a TLS alert during a handshake, as Qt's
 * {@code QSslServer::alertSent}. The JDK's TLS engine reports alerts only through the
 * exception that ends a handshake, so this covers the fatal alerts of failed handshakes,
 * and the {@code handshake_failure} that refuses a TLS 1.2 client's renegotiation.
 */
public class AlertSentEvent extends TlsAlertEvent {

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param level the alert's level
	 * @param type the alert's type
	 * @param description what the TLS engine said
	 */
	public AlertSentEvent(QtServer server, long connectionId, InetSocketAddress peerAddress, AlertLevel level,
			AlertType type, String description) {
		super(server, connectionId, peerAddress, level, type, description);
	}

}
