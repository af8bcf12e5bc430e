package dev.qtserver.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.qtserver.core.ClientAuth;
import dev.qtserver.core.TlsSettings;
import org.jspecify.annotations.Nullable;

/**
 * TLS on a listener, from a Spring Boot SSL bundle: the server becomes Qt's
 * {@code QSslServer} (a WebSocket server speaks {@code wss}, an HTTP listener
 * {@code https}). Key material, protocols and ciphers come from the bundle
 * ({@code spring.ssl.bundle.pem.<name>} or {@code spring.ssl.bundle.jks.<name>}).
 */
public class SslProperties {

	/**
	 * Name of the SSL bundle (spring.ssl.bundle.*) that turns TLS on. Plain TCP when not
	 * set.
	 */
	private @Nullable String bundle;

	/**
	 * Whether clients must present a certificate trusted by the bundle's trust store.
	 */
	private ClientAuth clientAuth = ClientAuth.NONE;

	/**
	 * How long a client may take from connecting to an encrypted connection; restarted
	 * once, when its first TLS record arrives. 5s (Qt's QSslServer default) when not set;
	 * a WebSocket server's handshake-timeout when not set on one.
	 */
	private @Nullable Duration handshakeTimeout;

	/**
	 * Bundles for particular server names (SNI), as Spring Boot's
	 * server.ssl.server-name-bundles; clients that send another name, or none, get the
	 * default bundle.
	 */
	private List<ServerNameSslBundle> serverNameBundles = new ArrayList<>();

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

	public ClientAuth getClientAuth() {
		return this.clientAuth;
	}

	public void setClientAuth(ClientAuth clientAuth) {
		this.clientAuth = clientAuth;
	}

	public @Nullable Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(@Nullable Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public List<ServerNameSslBundle> getServerNameBundles() {
		return this.serverNameBundles;
	}

	public void setServerNameBundles(List<ServerNameSslBundle> serverNameBundles) {
		this.serverNameBundles = serverNameBundles;
	}

	/**
	 * Map these properties to TLS settings.
	 * @return the settings, or {@code null} when no bundle is set (plain TCP)
	 * @throws dev.qtserver.core.InvalidSettingException when a value is out of range
	 */
	public @Nullable TlsSettings toSettings() {
		String name = this.bundle;
		if (name == null) {
			return null;
		}
		Map<String, String> byServerName = new LinkedHashMap<>();
		for (ServerNameSslBundle entry : this.serverNameBundles) {
			byServerName.put(String.valueOf(entry.getServerName()), String.valueOf(entry.getBundle()));
		}
		return new TlsSettings(name, byServerName, this.clientAuth, this.handshakeTimeout);
	}

	/**
	 * The SSL bundle for one server name.
	 */
	public static class ServerNameSslBundle {

		/**
		 * Server name the client asks for (SNI); wildcards such as *.example.com allowed.
		 */
		private @Nullable String serverName;

		/**
		 * Name of the SSL bundle used for that server name.
		 */
		private @Nullable String bundle;

		public @Nullable String getServerName() {
			return this.serverName;
		}

		public void setServerName(@Nullable String serverName) {
			this.serverName = serverName;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
