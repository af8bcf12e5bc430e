package dev.qtserver.ssl;

import javax.net.ssl.SSLSession;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * Finds the TLS session of a connection: its peer's certificate chain, protocol and
 * cipher suite, as Qt's {@code QSslSocket::sslConfiguration()} shows them.
 */
public final class SslSessions {

	private SslSessions() {
	}

	/**
	 * Return the TLS session of a channel, or of the connection an HTTP/2 stream runs on;
	 * it stays readable once the channel has closed.
	 * @param channel the channel
	 * @return the session, or {@code null} when the channel is not encrypted (yet)
	 */
	public static @Nullable SSLSession of(Channel channel) {
		for (Channel current = channel; current != null; current = current.parent()) {
			// every connection of a secure listener has a TLS stage: a plain one costs an
			// attribute lookup, not a walk of its pipeline
			TlsHandshake handshake = TlsHandshake.of(current);
			if (handshake != null) {
				return handshake.session();
			}
		}
		return null;
	}

	/**
	 * Return whether a channel, or the connection an HTTP/2 stream runs on, was accepted
	 * by a secure listener.
	 * @param channel the channel
	 * @return whether it speaks TLS
	 */
	public static boolean isSecure(Channel channel) {
		for (Channel current = channel; current != null; current = current.parent()) {
			if (TlsHandshake.of(current) != null) {
				return true;
			}
		}
		return false;
	}

}
