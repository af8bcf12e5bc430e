package dev.qtserver.ssl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.qtserver.core.ClientAuth;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.http.Curl;
import dev.qtserver.http.HalfClose;
import dev.qtserver.http.HttpServerFixture;
import dev.qtserver.http.HttpServerSettings;
import dev.qtserver.http.RawHttp2;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.QHttpServerRequest;
import dev.qtserver.http.Route;
import dev.qtserver.test.LogCapture;
import dev.qtserver.test.OpenSslClient;
import dev.qtserver.test.TestCertificates;
import dev.qtserver.websocket.PythonWebSocketClient;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.WebSocketServerSettings;
import io.netty.channel.DefaultChannelPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link QHttpServer} with secure listeners, driven by real clients over loopback
 * (curl, OpenSSL's {@code s_client}, nghttp2's {@code h2load}, Python's
 * {@code websockets}) with certificates the test makes: https over HTTP/1.1 and h2 by
 * ALPN (http/1.1 only when HTTP/2 is off), the TLS session and the {@code https} scheme
 * as a route sees them, client certificates, a plain and a secure listener side by side,
 * a plaintext client dropped at its first byte without harm to others, load, {@code wss}
 * upgrades on an h2 listener, and a secure listener bound at runtime.
 */
class HttpTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final TestCertificates certificates = TestCertificates.shared();

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	private final HttpServerFixture fixture = new HttpServerFixture().sslBundles(this.bundles);

	private final Requests requests = new Requests();

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeEach
	void registerBundle() {
		this.bundles.registerBundle("server", certificates.bundle("server"));
	}

	@AfterEach
	void tearDown() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.fixture.close();
	}

	@Test
	void whenCurlAsksOverHttp11ThenTheRouteSeesHttpsAndTheTlsSession() {
		QHttpServer server = start(secure(TlsSettings.of("server")), UnaryOperator.identity());
		String output = curl("--http1.1", "https://localhost:" + server.serverPort() + "/who?x=1");
		assertThat(output).isEqualTo("https HTTP/1.1 TLSv1.3\n1.1");
		QHttpServerRequest request = this.requests.next();
		assertThat(request.url()).hasScheme("https").hasHost("localhost").hasPort(server.serverPort()).hasPath("/who");
		assertThat(request.sslSession()).hasValueSatisfying((session) -> {
			assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
			assertThat(session.getCipherSuite()).startsWith("TLS_");
		});
		awaitHandshakes(1);
		assertThat(this.fixture.eventsOf(SslHandshakeErrorEvent.class)).isEmpty();
	}

	@Test
	void whenHttp2IsOnThenCurlAndOpenSslGetH2ByAlpn() {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		String output = curl("--http2", "https://localhost:" + server.serverPort() + "/who");
		assertThat(output).isEqualTo("https HTTP/2.0 TLSv1.3\n2");
		QHttpServerRequest request = this.requests.next();
		assertThat(request.url()).hasScheme("https");
		// the stream's request finds the session of the connection it runs on
		assertThat(request.sslSession()).isPresent();
		assertThat(alpn(server, "--http2")).contains("ALPN: offers h2,http/1.1").contains("ALPN: server accepted h2");
	}

	/**
	 * Over TLS, ALPN sets the HTTP/2 pipeline up once the handshake ends: a request head
	 * without {@code :path} is still caught in front of the stream multiplexer (its
	 * stream reset with {@code PROTOCOL_ERROR}, no buffer leaked by Netty's conversion),
	 * and the next stream is answered.
	 */
	@Test
	void whenAnH2RequestHeadLacksItsPathThenItsStreamIsResetAndTheNextIsAnswered() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		try (SSLSocket socket = h2Socket(server)) {
			// :method GET, :scheme https
			assertThat(RawHttp2.send(socket, "8287", "/who", true)).isEqualTo(1);
		}
		assertThat(this.requests.next().protocol()).isEqualTo("HTTP/2.0");
	}

	/**
	 * Over TLS as in cleartext, a body shorter than its {@code content-length} makes a
	 * malformed request: its stream is reset with {@code PROTOCOL_ERROR}, unanswered, its
	 * handler never runs on the cut body, and the next stream is answered.
	 */
	@Test
	void whenAnH2RequestBodyIsShorterThanItsContentLengthThenItsStreamIsResetAndTheNextIsAnswered() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		try (SSLSocket socket = h2Socket(server)) {
			// POST, :scheme https, :path /who, :authority localhost, content-length 5
			String head = "8387" + "44042f77686f" + RawHttp2.AUTHORITY_LOCALHOST + "5c0135";
			RawHttp2.Stream1 stream1 = RawHttp2.exchange(socket,
					RawHttp2.headersFrame(1, head, false) + RawHttp2.dataFrame(1, "abc", true), "/who", true);
			assertThat(stream1.resetCode()).as("stream 1 reset with PROTOCOL_ERROR").isEqualTo(1);
			assertThat(stream1.answered()).as("stream 1 answered").isFalse();
		}
		assertThat(this.requests.next().method()).isEqualTo("GET");
	}

	/**
	 * Over TLS, ALPN puts the HTTP/2 codec behind the handlers the connection started
	 * with: a frame that breaks the protocol on the connection still gets {@code GOAWAY},
	 * is logged at DEBUG only (Netty would log it at WARN with a stack trace as an
	 * exception nobody handled) and counts as {@code protocol_error}.
	 */
	@Test
	void whenAnH2ClientBreaksTheProtocolOnItsConnectionThenItGetsGoawayQuietly() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		try (LogCapture pipeline = LogCapture.of(DefaultChannelPipeline.class); SSLSocket socket = h2Socket(server)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			RawHttp2.start(out, "");
			// a PING of 7 bytes (it must have 8)
			out.write(HexFormat.of().parseHex("00000706000000000001020304050607"));
			out.flush();
			assertThat(RawHttp2.frameTypesUntilClosed(socket.getInputStream())).contains(RawHttp2.GOAWAY);
			await().atMost(TIMEOUT).until(() -> server.statistics().closed(CloseReason.PROTOCOL_ERROR) == 1);
			assertThat(pipeline.messages()).isEmpty();
		}
	}

	/** A TLS socket that has chosen HTTP/2 by ALPN. */
	private SSLSocket h2Socket(QHttpServer server) throws IOException {
		SSLSocket socket = tlsSocket(server);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setApplicationProtocols(new String[] { "h2" });
		socket.setSSLParameters(parameters);
		socket.startHandshake();
		assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
		return socket;
	}

	@Test
	void whenHttp2IsOffThenAlpnGivesHttp11() {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(false));
		String output = curl("--http2", "https://localhost:" + server.serverPort() + "/who");
		assertThat(output).isEqualTo("https HTTP/1.1 TLSv1.3\n1.1");
		assertThat(alpn(server, "--http2")).contains("ALPN: offers h2,http/1.1")
			.contains("ALPN: server accepted http/1.1");
	}

	@Test
	void whenClientCertificatesAreNeededThenTheRouteSeesTheClientsChain() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server").withClientAuth(ClientAuth.NEED)),
				(settings) -> settings.http2(true));
		String output = curl("--http2", "--cert", certificates.certificate("client").toString(), "--key",
				certificates.key("client").toString(), "https://localhost:" + server.serverPort() + "/who");
		assertThat(output).isEqualTo("https HTTP/2.0 TLSv1.3 CN=qtserver test client\n2");
		SSLSession session = this.requests.next().sslSession().orElseThrow();
		X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
		assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=qtserver test client");
		assertThat(peer.getIssuerX500Principal().getName()).isEqualTo("CN=qtserver test CA");
		// without a certificate the handshake fails and no request is served
		OpenSslClient.Result refused = OpenSslClient.connect(server.serverPort(),
				"GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n", "-CAfile", ca());
		assertThat(refused.output()).doesNotContain("HTTP/1.1");
		await().atMost(TIMEOUT).until(() -> !this.fixture.eventsOf(SslHandshakeErrorEvent.class).isEmpty());
		assertThat(this.fixture.eventsOf(PeerVerifyErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError().error()).isEqualTo(SslError.Type.NO_PEER_CERTIFICATE));
		assertThat(this.requests.queue).isEmpty();
	}

	@Test
	void whenAPlainAndASecureListenerServeTogetherThenPlainSpeaksH2cAndSecureSpeaksH2() {
		QHttpServer server = start(List.of(plain(), secure(TlsSettings.of("server"))),
				(settings) -> settings.http2(true));
		List<ServerListener> listeners = server.servers();
		assertThat(listeners).extracting(ServerListener::isSecure).containsExactly(false, true);
		int plainPort = listeners.get(0).serverPort();
		int securePort = listeners.get(1).serverPort();
		assertThat(curl("--http2-prior-knowledge", "http://127.0.0.1:" + plainPort + "/who"))
			.isEqualTo("http HTTP/2.0 none\n2");
		QHttpServerRequest plain = this.requests.next();
		assertThat(plain.url()).hasScheme("http");
		assertThat(plain.sslSession()).isEmpty();
		assertThat(curl("--http2", "https://localhost:" + securePort + "/who")).isEqualTo("https HTTP/2.0 TLSv1.3\n2");
		assertThat(this.requests.next().url()).hasScheme("https").hasPort(securePort);
		// and the plain one still upgrades HTTP/1.1 to h2c
		assertThat(Curl.run("-i", "--http2", "http://127.0.0.1:" + plainPort + "/who")).contains("HTTP/1.1 101")
			.contains("HTTP/2 200")
			.endsWith("http HTTP/2.0 none");
	}

	@Test
	void whenAPlaintextRequestReachesTheTlsPortThenItIsDroppedAtOnceAndTheServerKeepsServing() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server").withHandshakeTimeout(Duration.ofSeconds(60))),
				(settings) -> settings.http2(true));
		Socket plain = connect(server.serverPort());
		OutputStream out = plain.getOutputStream();
		out.write("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		plain.setSoTimeout((int) TIMEOUT.toMillis());
		long start = System.nanoTime();
		assertThat(plain.getInputStream().read()).as("end of stream, no response").isEqualTo(-1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		await().atMost(TIMEOUT).until(() -> !this.fixture.eventsOf(SslHandshakeErrorEvent.class).isEmpty());
		assertThat(this.fixture.eventsOf(SslHandshakeErrorEvent.class)).singleElement().satisfies((error) -> {
			assertThat(error.getError()).isEqualTo(SocketError.SSL_HANDSHAKE_FAILED);
			assertThat(error.getErrorString()).contains("not a TLS");
		});
		assertThat(this.fixture.eventsOf(StartedEncryptionHandshakeEvent.class)).isEmpty();
		assertThat(this.requests.queue).isEmpty();
		assertThat(server.statistics().errors()).isEqualTo(1);
		// a client that never got through its handshake was never accepted, nor closed
		assertThat(server.statistics().accepted()).isZero();
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 0 && server.handshakingConnectionCount() == 0);
		assertThat(closed(server)).isZero();
		assertThat(curl("https://localhost:" + server.serverPort() + "/who")).isEqualTo("https HTTP/2.0 TLSv1.3\n2");
		assertThat(server.statistics().accepted()).isEqualTo(1);
		await().atMost(TIMEOUT).until(() -> closed(server) == 1);
	}

	private static long closed(QHttpServer server) {
		return Arrays.stream(CloseReason.values()).mapToLong(server.statistics()::closed).sum();
	}

	@Test
	void whenH2loadSends2000RequestsOverHttpsThenAllAreAnswered() {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		String report = Curl.h2load("-n", "2000", "-c", "4", "-m", "10",
				"https://127.0.0.1:" + server.serverPort() + "/who");
		assertThat(report).contains("Application protocol: h2")
			.contains("2000 succeeded, 0 failed, 0 errored")
			.contains("status codes: 2000 2xx");
		awaitHandshakes(4);
		assertThat(this.fixture.eventsOf(SslHandshakeErrorEvent.class)).isEmpty();
	}

	@Test
	void whenCurlSendsManyRequestsOnOneHttp11ConnectionThenEachIsAnswered() {
		QHttpServer server = start(secure(TlsSettings.of("server")), UnaryOperator.identity());
		String output = Curl.run("--cacert", ca(), "--http1.1", "-o", "/dev/null", "-w",
				"%{http_code} %{num_connects} %{http_version}\\n",
				"https://localhost:" + server.serverPort() + "/who?n=[1-200]");
		List<String> lines = output.lines().toList();
		assertThat(lines).hasSize(200);
		assertThat(lines.get(0)).isEqualTo("200 1 1.1");
		assertThat(lines.subList(1, 200)).as("every later request reuses the first connection")
			.containsOnly("200 0 1.1");
		awaitHandshakes(1);
		List<String> queries = IntStream.rangeClosed(1, 200).mapToObj((n) -> "n=" + n).toList();
		assertThat(this.requests.queue).extracting(QHttpServerRequest::query).containsExactlyElementsOf(queries);
	}

	/**
	 * A TLS 1.3 client that sends its requests and then closes its side (close_notify,
	 * then a TCP half-close: what the JDK's {@code shutdownOutput} does) still reads
	 * every answer, each written by a worker, before the server closes the connection,
	 * when the server answers half-closed clients.
	 */
	@Test
	void whenATlsClientHalfClosesAfterPipelinedRequestsThenEachIsAnsweredBeforeTheServerCloses() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server")), (builder) -> builder.halfClose(HalfClose.ANSWER));
		try (SSLSocket socket = tlsSocket(server)) {
			socket.setEnabledProtocols(new String[] { "TLSv1.3" });
			socket.startHandshake();
			OutputStream out = socket.getOutputStream();
			for (int n = 1; n <= 20; n++) {
				out.write(("GET /who?n=" + n + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			}
			out.flush();
			socket.shutdownOutput();
			String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(21);
		}
		List<String> queries = IntStream.rangeClosed(1, 20).mapToObj((n) -> "n=" + n).toList();
		assertThat(this.requests.queue).extracting(QHttpServerRequest::query).containsExactlyElementsOf(queries);
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 0);
	}

	/**
	 * On a secure listener that offers h2, a client without ALPN speaks HTTP/1.1:
	 * pipelined requests whose last asks to close are all answered, in order, before the
	 * server closes, as over plain TCP.
	 */
	@Test
	void whenAnHttp11ClientOfAnHttp2ListenerPipelinesRequestsEndingWithCloseThenEachIsAnswered() throws Exception {
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true));
		try (SSLSocket socket = tlsSocket(server)) {
			socket.startHandshake();
			OutputStream out = socket.getOutputStream();
			for (int n = 1; n <= 20; n++) {
				out.write(("GET /who?n=" + n + " HTTP/1.1\r\nHost: localhost\r\n"
						+ ((n == 20) ? "Connection: close\r\n" : "") + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			}
			out.flush();
			String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(21);
		}
		List<String> queries = IntStream.rangeClosed(1, 20).mapToObj((n) -> "n=" + n).toList();
		assertThat(this.requests.queue).extracting(QHttpServerRequest::query).containsExactlyElementsOf(queries);
	}

	@Test
	void whenAWebSocketClientUpgradesOnTheSecureListenerOfAnHttp2ServerThenTheSessionIsWssAndEchoesInOrder() {
		EchoSessions sessions = new EchoSessions();
		QHttpServer server = start(secure(TlsSettings.of("server")), (settings) -> settings.http2(true)
			.websocket(WebSocketServerSettings.builder().path("/ws").serverName("web").build()), sessions);
		// Python's websockets offers no ALPN: the listener falls back to HTTP/1.1
		PythonWebSocketClient.Output output = PythonWebSocketClient.run("echo.py", Duration.ofSeconds(30),
				"wss://localhost:" + server.serverPort() + "/ws?room=1", "--cafile", ca(), "--count", "1000",
				"--timeout", "25");
		assertThat(output.value("status")).as(output::toString).isEqualTo("101");
		assertThat(output.values("reply")).as(output::toString)
			.containsExactlyElementsOf(IntStream.range(0, 1000).mapToObj((i) -> "text:m" + i).toList());
		assertThat(output.value("close_code")).isEqualTo("1000");
		QWebSocket session = sessions.next();
		// what a user reads in @OnDisconnect, say: the session is still readable once
		// closed
		assertThat(session.waitForDisconnected(TIMEOUT)).isTrue();
		assertThat(session.requestUrl()).hasToString("wss://localhost:" + server.serverPort() + "/ws?room=1");
		assertThat(session.sslSession())
			.hasValueSatisfying((ssl) -> assertThat(ssl.getProtocol()).isEqualTo("TLSv1.3"));
		// and ordinary requests on the same listener still get h2
		assertThat(curl("--http2", "https://localhost:" + server.serverPort() + "/who"))
			.isEqualTo("https HTTP/2.0 TLSv1.3\n2");
	}

	@Test
	void whenASecureListenerIsBoundAtRuntimeThenItServesHttpsBesideThePlainOne() {
		QHttpServer server = start(List.of(plain()), (settings) -> settings.http2(true));
		assertThat(server.servers()).singleElement().satisfies((listener) -> assertThat(listener.isSecure()).isFalse());
		ServerListener added = server.bind(secure(TlsSettings.of("server")));
		assertThat(added).as(server.errorString()).isNotNull();
		assertThat(added.isSecure()).isTrue();
		assertThat(added.isListening()).isTrue();
		assertThat(server.servers()).containsExactly(server.servers().get(0), added);
		assertThat(curl("--http2", "https://localhost:" + added.serverPort() + "/who"))
			.isEqualTo("https HTTP/2.0 TLSv1.3\n2");
		assertThat(this.requests.next().sslSession()).isPresent();
		assertThat(curl("--http1.1", "http://127.0.0.1:" + server.serverPort() + "/who"))
			.isEqualTo("http HTTP/1.1 none\n1.1");
	}

	private QHttpServer start(ListenerSettings listener, UnaryOperator<HttpServerSettings.Builder> settings,
			Object... more) {
		return start(List.of(listener), settings, more);
	}

	private QHttpServer start(List<ListenerSettings> listeners, UnaryOperator<HttpServerSettings.Builder> settings,
			Object... more) {
		List<Object> handlers = new ArrayList<>(List.of(this.requests));
		handlers.addAll(List.of(more));
		return this.fixture.start((builder) -> settings.apply(builder.listeners(listeners)), handlers.toArray());
	}

	private static ListenerSettings secure(TlsSettings tls) {
		return new ListenerSettings(new InetSocketAddress(HttpServerFixture.LOOPBACK, 0), tls);
	}

	private static ListenerSettings plain() {
		return ListenerSettings.plain(new InetSocketAddress(HttpServerFixture.LOOPBACK, 0));
	}

	/** Curl trusting the test CA: the body, a newline, and the HTTP version it spoke. */
	private static String curl(String... arguments) {
		List<String> all = new ArrayList<>(List.of("--cacert", ca(), "-w", "\\n%{http_version}"));
		all.addAll(List.of(arguments));
		return Curl.run(all.toArray(String[]::new));
	}

	/**
	 * Wait for the handshakes' events, which come on a worker, and check that there were
	 * exactly this many.
	 */
	private void awaitHandshakes(int count) {
		await().atMost(TIMEOUT)
			.until(() -> this.fixture.eventsOf(StartedEncryptionHandshakeEvent.class).size() >= count);
		assertThat(this.fixture.eventsOf(StartedEncryptionHandshakeEvent.class)).hasSize(count);
	}

	/** What curl's verbose report says about ALPN when it asks for {@code /who}. */
	private static String alpn(QHttpServer server, String version) {
		String report = Curl.run("--cacert", ca(), "-v", "-o", "/dev/null", version,
				"https://localhost:" + server.serverPort() + "/who");
		return String.join("\n", report.lines().filter((line) -> line.contains("ALPN")).toList());
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		socket.connect(new InetSocketAddress(HttpServerFixture.LOOPBACK, port), (int) TIMEOUT.toMillis());
		return socket;
	}

	private static String ca() {
		return certificates.certificate("ca").toString();
	}

	/**
	 * Answers {@code /who} with the scheme, protocol, TLS protocol and client certificate
	 * it saw, and keeps each request.
	 */
	/** A TLS client socket to a server, trusting the test CA, its handshake not begun. */
	private static SSLSocket tlsSocket(QHttpServer server) throws IOException {
		SSLSocket socket = (SSLSocket) certificates.bundle("server")
			.createSslContext()
			.getSocketFactory()
			.createSocket(HttpServerFixture.LOOPBACK, server.serverPort());
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		return socket;
	}

	static class Requests {

		private final BlockingQueue<QHttpServerRequest> queue = new LinkedBlockingQueue<>();

		@Route("/who")
		String who(QHttpServerRequest request) throws SSLPeerUnverifiedException {
			this.queue.add(request);
			StringBuilder answer = new StringBuilder(request.url().getScheme() + " " + request.protocol());
			SSLSession session = request.sslSession().orElse(null);
			if (session == null) {
				return answer.append(" none").toString();
			}
			answer.append(' ').append(session.getProtocol());
			if (hasPeerCertificates(session)) {
				X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
				answer.append(' ').append(peer.getSubjectX500Principal().getName());
			}
			return answer.toString();
		}

		private static boolean hasPeerCertificates(SSLSession session) {
			try {
				return session.getPeerCertificates().length > 0;
			}
			catch (SSLPeerUnverifiedException ex) {
				return false;
			}
		}

		QHttpServerRequest next() {
			try {
				QHttpServerRequest request = this.queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(request).as("a request reached the route").isNotNull();
				return request;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

	}

}
