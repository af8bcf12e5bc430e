package dev.qtserver.ssl;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Has the JDK's TLS engine of an established TLS 1.2 connection queue the alert it sends
 * when {@code jdk.tls.rejectClientInitiatedRenegotiation} is set: a fatal
 * {@code handshake_failure}, encrypted, for the SSL handler to send before it closes.
 * That system property is JVM-wide and the engine has no per-connection switch nor a way
 * to send an alert of one's choosing, but it sends this one whenever a new handshake
 * cannot start: with no protocol enabled, {@link SSLEngine#beginHandshake()} fails before
 * any handshake work and the engine answers {@code handshake_failure}. The client's hello
 * is never given to the engine.
 */
final class RenegotiationRefusal {

	/** The alert the engine sends, the one the JDK sends for a refused renegotiation. */
	static final AlertType ALERT = AlertType.HANDSHAKE_FAILURE;

	/** What the refusal is, for the alert's event: what the JDK says when it refuses. */
	static final String DESCRIPTION = "Client initiated renegotiation is not allowed";

	private static final String[] NO_PROTOCOLS = {};

	private RenegotiationRefusal() {
	}

	/**
	 * Queue the refusal's alert on an engine whose handshake is over; the engine is
	 * unusable afterwards (its session is invalidated too, so it cannot be resumed).
	 * @param engine the connection's engine
	 * @return whether the engine queued an alert to send: {@code false} for an engine
	 * that does not behave as the JDK's (the connection is then closed with a
	 * close_notify)
	 */
	static boolean queueAlert(SSLEngine engine) {
		try {
			engine.setEnabledProtocols(NO_PROTOCOLS);
			engine.beginHandshake();
			// an engine that started a handshake after all must not go on with it
			engine.closeOutbound();
			return false;
		}
		catch (SSLException ex) {
			return !engine.isOutboundDone() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
