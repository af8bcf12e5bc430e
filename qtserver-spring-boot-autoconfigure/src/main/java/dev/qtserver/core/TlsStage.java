package dev.qtserver.core;

import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a secure listener on its way to being encrypted: what the core needs
 * of it to count it against the listener's limits and to give the connection its id.
 * Every channel a secure listener accepts carries its stage as a channel attribute, also
 * once encrypted.
 */
public interface TlsStage {

	/**
	 * The channel attribute that holds a secure connection's stage.
	 */
	AttributeKey<TlsStage> ATTRIBUTE = AttributeKey.valueOf(TlsStage.class.getName());

	/**
	 * Return the id the connection was given when accepted.
	 * @return the connection id
	 */
	long connectionId();

	/**
	 * Return the server whose listener accepted the connection.
	 * @return the server
	 */
	QtServer server();

	/**
	 * Let the handshake start: the listener admitted the connection. Any thread.
	 */
	void admitted();

	/**
	 * Return the TLS session the handshake established. The stage keeps it because Netty
	 * empties a closed channel's pipeline, SSL handler included, while a session handler
	 * (such as {@code @OnDisconnect}) may still ask for the peer's certificate.
	 * @return the session, or {@code null} while the connection is not encrypted (or when
	 * its handshake failed)
	 */
	@Nullable SSLSession session();

	/**
	 * Return the stage of a channel.
	 * @param channel the channel
	 * @return the stage, or {@code null} when the channel is not from a secure listener
	 */
	static @Nullable TlsStage of(Channel channel) {
		// asked of HTTP/2 streams on every request: attr() would add the key to each
		return channel.hasAttr(ATTRIBUTE) ? channel.attr(ATTRIBUTE).get() : null;
	}

	/**
	 * Return whether a channel, or the connection an HTTP/2 stream runs on, was accepted
	 * by a secure listener.
	 * @param channel the channel
	 * @return whether it speaks TLS
	 */
	static boolean isSecure(Channel channel) {
		for (Channel current = channel; current != null; current = current.parent()) {
			if (of(current) != null) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the TLS session of a channel, or of the connection an HTTP/2 stream runs on:
	 * the peer's certificate chain, protocol and cipher suite, as Qt's
	 * {@code QSslSocket::sslConfiguration()} shows them; it stays readable once the
	 * channel has closed. A plain connection costs an attribute lookup.
	 * @param channel the channel
	 * @return the session, empty when the channel is not encrypted (yet)
	 */
	static Optional<SSLSession> sslSession(Channel channel) {
		for (Channel current = channel; current != null; current = current.parent()) {
			TlsStage stage = of(current);
			if (stage != null) {
				return Optional.ofNullable(stage.session());
			}
		}
		return Optional.empty();
	}

	/**
	 * The server side of a TLS stage.
	 */
	interface Owner {

		/**
		 * Return the server whose listener accepted the connection.
		 * @return the server
		 */
		QtServer server();

		/**
		 * Publish an SSL event from the event loop: on a worker, in order.
		 * @param event the event
		 */
		void publish(Object event);

		/**
		 * The connection is encrypted and the server took it: its handshake no longer
		 * counts. Once per admitted connection, or {@link #handshakeFailed} instead.
		 * @param stage the stage
		 * @param took how long the handshake took, from admission
		 */
		void encrypted(TlsStage stage, Duration took);

		/**
		 * The handshake failed and the stage closed the connection: record it (metrics,
		 * log); its handshake no longer counts. Once per admitted connection, or
		 * {@link #encrypted} instead.
		 * @param stage the stage
		 * @param error the kind of failure
		 * @param errorString what went wrong
		 */
		void handshakeFailed(TlsStage stage, SocketError error, String errorString);

	}

}
