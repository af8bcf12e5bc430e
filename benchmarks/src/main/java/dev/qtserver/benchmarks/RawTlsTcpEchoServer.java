package dev.qtserver.benchmarks;

import java.io.File;
import java.util.Set;

import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslProvider;
import reactor.netty.tcp.TcpServer;
import reactor.netty.tcp.TcpSslContextSpec;

/**
 * The raw Reactor Netty baseline for TCP over TLS: {@link RawTcpEchoServer}'s line echo,
 * in either {@link EchoIdiom}, behind {@code TcpServer.secure} with a
 * {@link TcpSslContextSpec} made from a PEM certificate and key. Everything about TLS is
 * Reactor Netty's and Netty's default (the JDK's {@code SSLEngine}, its protocols,
 * Netty's default cipher suites, a 10 s handshake timeout); the starter's secure TCP
 * server {@code tls-echo} is measured against it.
 *
 * <p>
 * Usage: {@code RawTlsTcpEchoServer [port] --cert server.crt --key server.key [--idiom
 * zero-copy|string]} (default port 9143, zero-copy; the key is PKCS#8 PEM). Prints
 * {@code LISTENING <port>} once bound and runs until the process is killed.
 */
public final class RawTlsTcpEchoServer {

	private static final int DEFAULT_PORT = 9143;

	private RawTlsTcpEchoServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		BaselineServers.serve(args, DEFAULT_PORT, Set.of("cert", "key"), (options, port, idiom) -> {
			// the JDK's engine, as the starter's servers without netty-tcnative: the
			// benchmarks
			// jar carries BoringSSL for its load generator, which Netty would pick by
			// default
			TcpSslContextSpec tls = TcpSslContextSpec.forServer(file(options, "cert"), file(options, "key"))
				.configure((builder) -> builder.sslProvider(SslProvider.JDK));
			return TcpServer.create()
				.port(port)
				.secure((spec) -> spec.sslContext(tls))
				.doOnConnection((connection) -> connection
					.addHandlerLast(new LineBasedFrameDecoder(RawTcpEchoServer.MAX_LINE_LENGTH, false, true)))
				.handle(RawTcpEchoServer.echo(idiom))
				.bindNow();
		});
	}

	private static File file(Options options, String name) {
		String path = options.string(name, "");
		if (path.isEmpty()) {
			throw new IllegalArgumentException("--" + name + " FILE is needed (PEM)");
		}
		return new File(path);
	}

}
