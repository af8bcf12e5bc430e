package dev.qtserver.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a listener speaks TLS: the Spring Boot SSL bundle it takes its key and trust
 * material, protocols and ciphers from, per host name bundles for SNI, client
 * authentication and the handshake timeout. Bundles are named here and looked up when the
 * server is created.
 *
 * @param bundle the name of the {@code spring.ssl.bundle} for clients that send no server
 * name or an unknown one
 * @param serverNameBundles a bundle per server name (SNI), as Spring Boot's
 * {@code server.ssl.server-name-bundles}; wildcards such as {@code *.example.com} allowed
 * @param clientAuth whether clients must present a certificate
 * @param handshakeTimeout how long a client may take from accept to an encrypted
 * connection, restarted once when its first TLS record arrives (Qt's
 * {@code QSslServer::handshakeTimeout}); {@code null} for the kind's default (5 s, a
 * WebSocket server's handshake timeout)
 */
public record TlsSettings(String bundle, Map<String, String> serverNameBundles, ClientAuth clientAuth,
		@Nullable Duration handshakeTimeout) {

	/** Qt's {@code QSslServer} default. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Validate the settings.
	 * @throws InvalidSettingException when a value is out of range
	 */
	public TlsSettings {
		Objects.requireNonNull(bundle, "bundle");
		Objects.requireNonNull(clientAuth, "clientAuth");
		InvalidSettingException.check(!bundle.isBlank(), "ssl.bundle", bundle, "must name an SSL bundle");
		serverNameBundles = Map.copyOf(serverNameBundles);
		serverNameBundles
			.forEach((serverName, name) -> InvalidSettingException.check(!serverName.isBlank() && !name.isBlank(),
					"ssl.serverNameBundles", serverName + "=" + name, "each entry needs a server name and a bundle"));
		InvalidSettingException.checkPositiveOrUnset("ssl.handshakeTimeout", handshakeTimeout);
	}

	/**
	 * TLS from one bundle, no client certificates, the default handshake timeout.
	 * @param bundle the bundle name
	 * @return the settings
	 */
	public static TlsSettings of(String bundle) {
		return new TlsSettings(bundle, Map.of(), ClientAuth.NONE, null);
	}

	/**
	 * Return these settings with another client authentication.
	 * @param clientAuth whether clients must present a certificate
	 * @return the settings
	 */
	public TlsSettings withClientAuth(ClientAuth clientAuth) {
		return new TlsSettings(this.bundle, this.serverNameBundles, clientAuth, this.handshakeTimeout);
	}

	/**
	 * Return these settings with another handshake timeout.
	 * @param handshakeTimeout the timeout, {@code null} for the kind's default
	 * @return the settings
	 */
	public TlsSettings withHandshakeTimeout(@Nullable Duration handshakeTimeout) {
		return new TlsSettings(this.bundle, this.serverNameBundles, this.clientAuth, handshakeTimeout);
	}

	/**
	 * Return these settings with bundles per server name.
	 * @param serverNameBundles a bundle name per server name
	 * @return the settings
	 */
	public TlsSettings withServerNameBundles(Map<String, String> serverNameBundles) {
		return new TlsSettings(this.bundle, serverNameBundles, this.clientAuth, this.handshakeTimeout);
	}

}
