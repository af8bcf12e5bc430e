package dev.qtserver.ssl;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.TlsSettings;
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
		Duration defaultHandshakeTimeout) implements ListenerTls.Factory {

	/**
	 * Make the SSL contexts of a secure listener.
	 * @param settings the listener's TLS settings
	 * @param description names the listener in messages
	 * @return the contexts
	 * @throws InvalidSettingException when there are no SSL bundles or the named ones are
	 * missing or unusable
	 */
	@Override
	public ServerSslContexts create(TlsSettings settings, String description) {
		return new ServerSslContexts(checkBundles(settings, this.sslBundles), settings, this.protocols,
				handshakeTimeout(settings), description);
	}

	/**
	 * Check that the bundles TLS settings name exist.
	 * @param settings the TLS settings
	 * @param sslBundles the application's SSL bundles, {@code null} when it has none
	 * @return the SSL bundles
	 * @throws InvalidSettingException when there are no SSL bundles or a named one is
	 * missing
	 */
	public static SslBundles checkBundles(TlsSettings settings, @Nullable SslBundles sslBundles) {
		if (sslBundles == null) {
			throw new InvalidSettingException("ssl.bundle", settings.bundle(),
					"needs Spring Boot's SSL bundles (SslAutoConfiguration, or an SslBundles bean)");
		}
		List<String> known = sslBundles.getBundleNames();
		Set<String> named = new LinkedHashSet<>();
		named.add(settings.bundle());
		named.addAll(settings.serverNameBundles().values());
		for (String name : named) {
			if (!known.contains(name)) {
				throw new InvalidSettingException(
						name.equals(settings.bundle()) ? "ssl.bundle" : "ssl.serverNameBundles", name,
						"must name an SSL bundle (spring.ssl.bundle.pem.* or spring.ssl.bundle.jks.*); known bundles: "
								+ known);
			}
		}
		return sslBundles;
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
