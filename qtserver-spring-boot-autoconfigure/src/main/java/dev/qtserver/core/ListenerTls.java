package dev.qtserver.core;

import java.time.Duration;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import reactor.netty.tcp.SslProvider;

/**
 * The TLS side of one secure listener (Qt's {@code QSslServer}), as the core uses it: the
 * SSL configuration its Reactor Netty server binds with, and the stage every accepted
 * connection passes through until it is encrypted. Implemented by
 * {@code dev.qtserver.ssl}, from Spring Boot SSL bundles.
 */
public interface ListenerTls {

	/**
	 * Return the settings the listener's TLS was made from.
	 * @return the TLS settings
	 */
	TlsSettings settings();

	/**
	 * Return how long a connection may take to be encrypted.
	 * @return the handshake timeout
	 */
	Duration handshakeTimeout();

	/**
	 * Return the SSL configuration for the listener's Reactor Netty server: the argument
	 * of {@code TcpServer.secure} or {@code HttpServer.secure}.
	 * @return the configuration
	 */
	Consumer<SslProvider.SslContextSpec> sslProviderSpec();

	/**
	 * Put the TLS stage into the pipeline of a connection the listener just accepted,
	 * after Reactor Netty's own SSL handlers.
	 * @param channel the connection's channel
	 * @param connectionId the id the connection keeps
	 * @param owner the server side of the stage
	 * @return the stage; it reads nothing until {@linkplain TlsStage#admitted() admitted}
	 */
	TlsStage install(Channel channel, long connectionId, TlsStage.Owner owner);

	/**
	 * Makes the TLS side of secure listeners from their settings.
	 */
	@FunctionalInterface
	interface Factory {

		/**
		 * A factory for servers without SSL bundles: any secure listener fails.
		 */
		Factory NONE = (settings, description) -> {
			throw new InvalidSettingException("ssl.bundle", settings.bundle(),
					"needs Spring Boot's SSL bundles (SslAutoConfiguration, or an SslBundles bean)");
		};

		/**
		 * Make the TLS side of a listener.
		 * @param settings its TLS settings
		 * @param description names the listener in messages
		 * @return its TLS
		 * @throws InvalidSettingException when its SSL bundles are missing or unusable
		 */
		ListenerTls create(TlsSettings settings, String description);

	}

}
