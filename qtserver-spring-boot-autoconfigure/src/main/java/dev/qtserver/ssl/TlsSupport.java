package dev.qtserver.ssl;

import java.time.Duration;

import dev.qtserver.core.InvalidSettingException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundles;

/**
 * What a kind of server brings to TLS on its listeners: the application's SSL bundles,
 * what it offers by ALPN, and its default handshake timeout.
 *
 * @param sslBundles the application's SSL bundles, {@code null} when it has none (a
 * secure listener then fails at creation)
 * @param protocols what the kind's listeners offer by ALPN
 * @param defaultHandshakeTimeout the handshake timeout of a listener that sets none
 */
public record TlsSupport(@Nullable SslBundles sslBundles, ApplicationProtocols protocols,
		Duration defaultHandshakeTimeout) {

	/**
	 * No SSL bundles: only plain listeners.
	 */
	public static final TlsSupport NONE = new TlsSupport(null, ApplicationProtocols.NONE,
			TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT);

	/**
	 * Make the SSL contexts of a secure listener.
	 * @param settings the listener's TLS settings
	 * @param description names the listener in messages
	 * @return the contexts
	 * @throws InvalidSettingException when there are no SSL bundles or the named ones are
	 * missing or unusable
	 */
	public ServerSslContexts contexts(TlsSettings settings, String description) {
		SslBundles bundles = this.sslBundles;
		if (bundles == null) {
			throw new InvalidSettingException("ssl.bundle", settings.bundle(),
					"needs Spring Boot's SSL bundles (SslAutoConfiguration, or an SslBundles bean)");
		}
		return new ServerSslContexts(bundles, settings, this.protocols, description);
	}

	/**
	 * Return the handshake timeout of a listener.
	 * @param settings the listener's TLS settings
	 * @return its own timeout, or the kind's default
	 */
	public Duration handshakeTimeout(TlsSettings settings) {
		Duration timeout = settings.handshakeTimeout();
		return (timeout != null) ? timeout : this.defaultHandshakeTimeout;
	}

}
