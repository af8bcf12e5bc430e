package dev.qtserver.ssl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.TlsStage;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.tcp.SslProvider;
import reactor.netty.tcp.TcpSslContextSpec;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The SSL contexts of one secure listener, made from Spring Boot SSL bundles: one for
 * clients that send no known server name and one per configured server name (SNI). Each
 * handshake looks its context up here, so when a bundle with
 * {@code reload-on-update: true} changes, new connections get the new certificate without
 * a restart while live ones keep theirs.
 *
 * <p>
 * Protocols and ciphers are the bundle's {@code options}; where it sets none, TLS 1.3 and
 * 1.2 with forward-secret AEAD cipher suites only ({@link #DEFAULT_PROTOCOLS},
 * {@link #DEFAULT_CIPHERS}).
 */
public final class ServerSslContexts implements ListenerTls {

	/** The protocols a bundle without {@code options.enabled-protocols} gets. */
	public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	/**
	 * The cipher suites a bundle without {@code options.ciphers} gets: TLS 1.3's, and TLS
	 * 1.2's ECDHE suites with AES-GCM or ChaCha20-Poly1305 (those RFC 7540 lets HTTP/2
	 * use), AES-128 first: as strong in practice and cheaper per byte. Suites the JDK
	 * lacks are left out.
	 */
	public static final List<String> DEFAULT_CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
			"TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
			"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
			"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	private static final Log logger = LogFactory.getLog(ServerSslContexts.class);

	private static final ApplicationProtocolConfig HTTP_1_1_ONLY = new ApplicationProtocolConfig(
			ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
			ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_1_1);

	private final TlsSettings settings;

	private final ApplicationProtocols protocols;

	private final Duration handshakeTimeout;

	private final String description;

	private final Map<String, SslBundle> bundles = new LinkedHashMap<>();

	private volatile SslProvider defaultProvider;

	private volatile Mapping<String, SslProvider> byServerName;

	/**
	 * Look the settings' bundles up and make their contexts; each bundle's updates are
	 * followed from now on.
	 * @param sslBundles the application's SSL bundles
	 * @param settings the listener's TLS settings
	 * @param protocols what the listener offers by ALPN
	 * @param handshakeTimeout how long a connection may take to be encrypted
	 * @param description names the listener in log messages
	 * @throws InvalidSettingException when a bundle cannot make a server context (no key,
	 * for one)
	 * @throws org.springframework.boot.ssl.NoSuchSslBundleException when a bundle does
	 * not exist ({@link TlsSupport#checkBundles} checks that first)
	 */
	public ServerSslContexts(SslBundles sslBundles, TlsSettings settings, ApplicationProtocols protocols,
			Duration handshakeTimeout, String description) {
		this.settings = settings;
		this.protocols = protocols;
		this.handshakeTimeout = handshakeTimeout;
		this.description = description;
		Set<String> names = new LinkedHashSet<>();
		names.add(settings.bundle());
		names.addAll(settings.serverNameBundles().values());
		for (String name : names) {
			this.bundles.put(name, sslBundles.getBundle(name));
		}
		Providers providers = providers();
		this.defaultProvider = providers.defaultProvider();
		this.byServerName = providers.byServerName();
		for (String name : names) {
			sslBundles.addBundleUpdateHandler(name, (updated) -> update(name, updated));
		}
	}

	@Override
	public TlsSettings settings() {
		return this.settings;
	}

	@Override
	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	/**
	 * Configure a Reactor Netty server's SSL (its {@code secure(...)} argument): the
	 * current default context, and a lookup per handshake by server name. The server's
	 * own handshake timeouts are off: the listener's handshake stage times handshakes out
	 * the way Qt does.
	 * @return the configuration for {@code TcpServer.secure} or {@code HttpServer.secure}
	 */
	@Override
	public Consumer<SslProvider.SslContextSpec> sslProviderSpec() {
		return (spec) -> spec.sslContext(this.defaultProvider.getSslContext())
			.handshakeTimeoutMillis(0)
			.setSniAsyncMappings((serverName, promise) -> promise.setSuccess(provider(serverName)));
	}

	@Override
	public TlsStage install(Channel channel, long connectionId, TlsStage.Owner owner) {
		return TlsHandshake.install(channel, connectionId, this.handshakeTimeout, owner);
	}

	/**
	 * Return the SSL provider for a handshake.
	 * @param serverName the server name the client sent, {@code null} when none
	 * @return the provider of the name's bundle, or of the default bundle
	 */
	SslProvider provider(@Nullable String serverName) {
		return (serverName != null) ? this.byServerName.map(serverName) : this.defaultProvider;
	}

	private synchronized void update(String name, SslBundle updated) {
		this.bundles.put(name, updated);
		try {
			Providers providers = providers();
			this.byServerName = providers.byServerName();
			this.defaultProvider = providers.defaultProvider();
			logger.info(this.description + " uses the updated SSL bundle '" + name + "' for new connections");
		}
		catch (RuntimeException ex) {
			// a half-written certificate file must not take the listener down: keep
			// serving with what worked
			logger.error(this.description + " could not use the updated SSL bundle '" + name
					+ "'; new connections keep the previous one", ex);
		}
	}

	private Providers providers() {
		SslProvider defaultProvider = newProvider(this.settings.bundle());
		DomainWildcardMappingBuilder<SslProvider> mapping = new DomainWildcardMappingBuilder<>(defaultProvider);
		Map<String, SslProvider> made = new LinkedHashMap<>();
		this.settings.serverNameBundles()
			.forEach((serverName, name) -> mapping.add(serverName, made.computeIfAbsent(name, this::newProvider)));
		return new Providers(defaultProvider, mapping.build());
	}

	private SslProvider newProvider(String name) {
		SslBundle bundle = this.bundles.get(name);
		if (bundle == null) {
			throw new IllegalStateException("SSL bundle '" + name + "' was not looked up");
		}
		KeyManagerFactory keyManagers = bundle.getManagers().getKeyManagerFactory();
		SslOptions options = bundle.getOptions();
		String[] enabledProtocols = options.getEnabledProtocols();
		String[] ciphers = options.getCiphers();
		List<String> protocolList = (enabledProtocols != null) ? List.of(enabledProtocols) : DEFAULT_PROTOCOLS;
		List<String> cipherList = (ciphers != null) ? List.of(ciphers) : DEFAULT_CIPHERS;
		io.netty.handler.ssl.ClientAuth clientAuth = switch (this.settings.clientAuth()) {
			case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
			case WANT -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
			case NEED -> io.netty.handler.ssl.ClientAuth.REQUIRE;
		};
		SslProvider.ProtocolSslContextSpec spec = switch (this.protocols) {
			case NONE -> TcpSslContextSpec.forServer(keyManagers);
			case HTTP_1_1 -> Http11SslContextSpec.forServer(keyManagers);
			case HTTP_2 -> Http2SslContextSpec.forServer(keyManagers);
		};
		spec.configure((builder) -> {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory())
				.protocols(protocolList.toArray(String[]::new))
				.ciphers(new ArrayList<>(cipherList), SupportedCipherSuiteFilter.INSTANCE)
				.clientAuth(clientAuth);
			if (this.protocols == ApplicationProtocols.HTTP_1_1) {
				// Reactor Netty's HTTP/1.1 spec answers no ALPN at all: a client that
				// offers h2 and http/1.1 should hear http/1.1, and one that offers only
				// h2 nothing, as the HTTP/2 spec answers a client it cannot serve
				builder.applicationProtocolConfig(HTTP_1_1_ONLY);
			}
		});
		try {
			return SslProvider.builder().sslContext(spec).handshakeTimeoutMillis(0).build();
		}
		catch (RuntimeException ex) {
			throw new InvalidSettingException("ssl.bundle", name,
					"must hold a private key and certificate a server can use (" + ex.getMessage() + ")");
		}
	}

	private record Providers(SslProvider defaultProvider, Mapping<String, SslProvider> byServerName) {
	}

}
