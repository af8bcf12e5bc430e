package dev.qtserver.benchmarks;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.jspecify.annotations.Nullable;

/**
 * The TLS side of a load generator's connections: Netty's {@link SslHandler} over the
 * JDK's {@code SSLEngine}, trusting only the given CA and checking the server's
 * certificate against a host name, as a careful client does. Protocols and cipher suites
 * are the JDK's defaults unless set, so each server picks what it prefers; what was
 * negotiated is counted per connection and printed with the result, so two runs that
 * negotiated different suites are not compared as if they were the same work.
 */
final class TlsClient {

	private final SslContext context;

	private final SslProvider provider;

	private final String serverName;

	private final Map<String, Integer> negotiated = new TreeMap<>();

	/**
	 * @param caFile PEM file of the CA that signed the server's certificate
	 * @param serverName the name sent by SNI and checked against the certificate
	 * @param protocols the protocols to offer, empty for the JDK's default
	 * @param ciphers the cipher suites to offer, empty for the JDK's default
	 */
	TlsClient(File caFile, String serverName, List<String> protocols, List<String> ciphers) throws SSLException {
		this.provider = provider();
		SslContextBuilder builder = SslContextBuilder.forClient()
			.sslProvider(this.provider)
			.trustManager(caFile)
			.endpointIdentificationAlgorithm("HTTPS");
		if (!protocols.isEmpty()) {
			builder.protocols(protocols);
		}
		if (!ciphers.isEmpty()) {
			builder.ciphers(ciphers);
		}
		this.context = builder.build();
		this.serverName = serverName;
	}

	/**
	 * The TLS client the options ask for: {@code --tls-ca FILE} turns TLS on, with
	 * {@code --tls-server-name} (default {@code localhost}), {@code --tls-protocols} and
	 * {@code --tls-ciphers} (comma-separated, default the JDK's).
	 * @return the client, or {@code null} for plain TCP
	 */
	static @Nullable TlsClient from(Options options) throws SSLException {
		String ca = options.string("tls-ca", "");
		if (ca.isEmpty()) {
			return null;
		}
		return new TlsClient(new File(ca), options.string("tls-server-name", "localhost"),
				list(options.string("tls-protocols", "")), list(options.string("tls-ciphers", "")));
	}

	/**
	 * BoringSSL (netty-tcnative) where it loads, else the JDK's engine: the JDK's costs
	 * the client more per echoed line than the servers under test spend, which would make
	 * every TLS window measure the client. {@code -Dbenchmarks.tls.jdk=true} asks for the
	 * JDK's.
	 */
	private static SslProvider provider() {
		return (!Boolean.getBoolean("benchmarks.tls.jdk") && OpenSsl.isAvailable()) ? SslProvider.OPENSSL
				: SslProvider.JDK;
	}

	/** The options {@link #from} reads. */
	static String[] optionNames() {
		return new String[] { "tls-ca", "tls-server-name", "tls-protocols", "tls-ciphers" };
	}

	private static List<String> list(String value) {
		return value.isBlank() ? List.of() : List.of(value.split(","));
	}

	/**
	 * Put a client {@link SslHandler} first in a new connection's pipeline. Its handshake
	 * starts once the connection is up, and it times out after the connect timeout.
	 */
	SslHandler addTo(Channel channel, int port, long handshakeTimeoutMillis) {
		SslHandler ssl = this.context.newHandler(channel.alloc(), this.serverName, port);
		ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
		channel.pipeline().addFirst("tls", ssl);
		return ssl;
	}

	/** Count what one connection negotiated. Must run on the generator's event loop. */
	void negotiated(SSLSession session) {
		this.negotiated.merge(session.getProtocol() + " " + session.getCipherSuite(), 1, Integer::sum);
	}

	/**
	 * What the connections negotiated, for the summary: {@code TLSv1.3 TLS_AES_...=64}.
	 */
	String summary() {
		StringBuilder text = new StringBuilder();
		this.negotiated.forEach((what, count) -> text.append(String.format(Locale.ROOT, "%s x%d; ", what, count)));
		return ((text.length() > 0) ? text.substring(0, text.length() - 2) : "no handshake completed")
				+ ((this.provider == SslProvider.OPENSSL) ? " (BoringSSL client)" : " (JDK client)");
	}

}
