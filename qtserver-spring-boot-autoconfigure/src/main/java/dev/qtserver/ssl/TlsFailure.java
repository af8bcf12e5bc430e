package dev.qtserver.ssl;

import java.io.IOException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import dev.qtserver.core.SocketError;
import org.jspecify.annotations.Nullable;

/**
 * Why a handshake failed, worked out from what the JDK's TLS engine reports: the
 * exception that ended it. The engine has no alert callbacks, so alerts are read from the
 * exception: a received alert is named in its message ({@code Received fatal alert:
 * unknown_ca}); a sent one follows from the failure, as the JDK chooses it (an untrusted
 * client certificate: {@code certificate_unknown}; no client certificate where one is
 * required: {@code bad_certificate} on JDK 17, {@code certificate_required} on JDK 25 (as
 * OpenSSL's client reports them); no common protocol: {@code protocol_version}; no common
 * cipher suite: {@code handshake_failure}).
 *
 * @param error the socket error of Qt's {@code errorOccurred}
 * @param errorString what went wrong
 * @param peerErrors what the peer's certificate failed, empty when it was not the cause
 * @param alertSent the fatal alert the server sent, if any
 * @param alertReceived the fatal alert the client sent, if any
 */
record TlsFailure(SocketError error, String errorString, List<SslError> peerErrors, @Nullable AlertType alertSent,
		@Nullable AlertType alertReceived) {

	/**
	 * The alert the JDK sends when a required client certificate is missing, encrypted on
	 * TLS 1.3 so it cannot be read from the wire (on TLS 1.2 the wire shows it):
	 * OpenSSL's client reports {@code bad_certificate} from JDK 17 and
	 * {@code certificate_required} from JDK 25; the versions between are taken to behave
	 * as 25 from 21 on.
	 */
	static final AlertType MISSING_CERTIFICATE_ALERT = (Runtime.version().feature() >= 21)
			? AlertType.CERTIFICATE_REQUIRED : AlertType.BAD_CERTIFICATE;

	private static final Pattern RECEIVED_ALERT = Pattern.compile("Received fatal alert: (\\w+)");

	static TlsFailure plaintext() {
		return new TlsFailure(SocketError.SSL_HANDSHAKE_FAILED,
				"The client's first byte is not a TLS handshake record: not a TLS client", List.of(), null, null);
	}

	static TlsFailure timedOut(java.time.Duration timeout) {
		return new TlsFailure(SocketError.SOCKET_TIMEOUT, "The TLS handshake did not finish within " + timeout,
				List.of(), null, null);
	}

	static TlsFailure closedByPeer() {
		return new TlsFailure(SocketError.REMOTE_HOST_CLOSED, "The client closed the connection during the handshake",
				List.of(), null, null);
	}

	/**
	 * Classify the exception that ended a handshake.
	 * @param failure the exception, as the pipeline saw it (often wrapped)
	 * @param engine the connection's engine, for the peer's certificate
	 * @return the failure
	 */
	static TlsFailure of(Throwable failure, @Nullable SSLEngine engine) {
		SSLException ssl = find(failure, SSLException.class);
		if (ssl == null) {
			if (find(failure, IOException.class) != null) {
				return closedByPeer();
			}
			return new TlsFailure(SocketError.SSL_INTERNAL, String.valueOf(failure.getMessage()), List.of(), null,
					null);
		}
		String message = String.valueOf(ssl.getMessage());
		Matcher received = RECEIVED_ALERT.matcher(message);
		if (received.find()) {
			return new TlsFailure(SocketError.SSL_HANDSHAKE_FAILED, message, List.of(), null,
					AlertType.fromName(received.group(1)));
		}
		if (message.contains("Empty client certificate chain")) {
			return new TlsFailure(SocketError.SSL_HANDSHAKE_FAILED, message,
					List.of(new SslError(SslError.Type.NO_PEER_CERTIFICATE, message, null)), MISSING_CERTIFICATE_ALERT,
					null);
		}
		SslError.Type certificateProblem = certificateProblem(ssl);
		if (certificateProblem != null) {
			AlertType alert = switch (certificateProblem) {
				case CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID -> AlertType.CERTIFICATE_EXPIRED;
				case CERTIFICATE_REVOKED -> AlertType.CERTIFICATE_REVOKED;
				default -> AlertType.CERTIFICATE_UNKNOWN;
			};
			return new TlsFailure(SocketError.SSL_HANDSHAKE_FAILED, message,
					List.of(new SslError(certificateProblem, message, peerCertificate(engine))), alert, null);
		}
		return new TlsFailure(SocketError.SSL_HANDSHAKE_FAILED, message, List.of(), sentFor(message), null);
	}

	/** The alert the JDK sends for the handshake failures it names in its messages. */
	private static @Nullable AlertType sentFor(String message) {
		String lower = message.toLowerCase(Locale.ROOT);
		if (lower.contains("protocol") && (lower.contains("not enabled") || lower.contains("not accepted")
				|| lower.contains("no appropriate protocol"))) {
			return AlertType.PROTOCOL_VERSION;
		}
		if (lower.contains("no cipher suites in common") || lower.contains("no available authentication scheme")
				|| lower.contains("no appropriate protocol")) {
			return AlertType.HANDSHAKE_FAILURE;
		}
		if (lower.contains("application layer protocol") || lower.contains("alpn")) {
			return AlertType.NO_APPLICATION_PROTOCOL;
		}
		return null;
	}

	private static SslError.@Nullable Type certificateProblem(SSLException ssl) {
		if (find(ssl, CertificateExpiredException.class) != null) {
			return SslError.Type.CERTIFICATE_EXPIRED;
		}
		if (find(ssl, CertificateNotYetValidException.class) != null) {
			return SslError.Type.CERTIFICATE_NOT_YET_VALID;
		}
		if (find(ssl, CertificateRevokedException.class) != null) {
			return SslError.Type.CERTIFICATE_REVOKED;
		}
		CertPathValidatorException validation = find(ssl, CertPathValidatorException.class);
		if (validation != null && validation.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
			return SslError.Type.CERTIFICATE_REVOKED;
		}
		if (find(ssl, java.security.cert.CertificateException.class) != null
				|| String.valueOf(ssl.getMessage()).startsWith("PKIX path")) {
			return SslError.Type.CERTIFICATE_UNTRUSTED;
		}
		return null;
	}

	private static @Nullable X509Certificate peerCertificate(@Nullable SSLEngine engine) {
		SSLSession session = (engine != null) ? engine.getHandshakeSession() : null;
		if (session == null) {
			return null;
		}
		try {
			Certificate[] chain = session.getPeerCertificates();
			return (chain.length > 0 && chain[0] instanceof X509Certificate certificate) ? certificate : null;
		}
		catch (SSLException | UnsupportedOperationException ex) {
			return null;
		}
	}

	private static <E extends Throwable> @Nullable E find(Throwable failure, Class<E> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
