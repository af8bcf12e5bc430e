package dev.qtserver.core;

/**
 * Whether a secure listener asks clients for a certificate, as Spring Boot's
 * {@code server.ssl.client-auth} and Qt's {@code QSslSocket::PeerVerifyMode} on a server.
 */
public enum ClientAuth {

	/** Never ask for a client certificate (Qt's {@code VerifyNone}). */
	NONE,

	/**
	 * Ask for one; a client without a certificate is let in, one with an untrusted
	 * certificate is refused (Qt's {@code QueryPeer}).
	 */
	WANT,

	/** Require a trusted client certificate (Qt's {@code VerifyPeer}). */
	NEED

}
