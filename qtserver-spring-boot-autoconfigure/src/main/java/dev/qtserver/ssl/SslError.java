package dev.qtserver.ssl;

import java.security.cert.X509Certificate;

import org.jspecify.annotations.Nullable;

/**
 * An error found while verifying the peer or running the handshake, as Qt's
 * {@code QSslError}: what went wrong, in words, and the certificate it is about.
 *
 * @param error what kind of error
 * @param errorString what went wrong, as the TLS engine reported it
 * @param certificate the peer certificate the error is about, if any
 */
public record SslError(Type error, String errorString, @Nullable X509Certificate certificate) {

	/**
	 * The errors the JDK's TLS engine lets us tell apart, named as Qt's
	 * {@code QSslError::SslError}.
	 */
	public enum Type {

		/** The peer presented no certificate where one was required. */
		NO_PEER_CERTIFICATE,

		/** The peer's certificate chain does not lead to a trusted certificate. */
		CERTIFICATE_UNTRUSTED,

		/** The peer's certificate has expired. */
		CERTIFICATE_EXPIRED,

		/** The peer's certificate is not valid yet. */
		CERTIFICATE_NOT_YET_VALID,

		/** The peer's certificate has been revoked. */
		CERTIFICATE_REVOKED,

		/** The peer's certificate may not be used for this purpose. */
		INVALID_PURPOSE,

		/** Any other error. */
		UNSPECIFIED_ERROR

	}

}
