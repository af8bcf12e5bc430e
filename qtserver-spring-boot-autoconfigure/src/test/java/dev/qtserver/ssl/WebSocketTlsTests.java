package dev.qtserver.ssl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.qtserver.core.ClientAuth;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.OpenSslClient;
import dev.qtserver.test.TestCertificates;
import dev.qtserver.websocket.PythonWebSocketClient;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.SecureMode;
import dev.qtserver.websocket.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link QWebSocketServer} with TLS settings is Qt's {@code QWebSocketServer} in
 * {@code SecureMode}, checked with Python's {@code websockets} over {@code wss} (trusting
 * the test's CA) and OpenSSL's {@code s_client}: its URL is {@code wss}, sessions carry
 * their TLS session, messages of every count and of sizes around the 16 KiB TLS record
 * arrive intact and in order, the WebSocket handshake timeout bounds the TLS stage too,
 * client certificates are required when asked for, and a connection's TLS signals come
 * before it is pending.
 */
class WebSocketTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final TestCertificates certificates = TestCertificates.shared();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(8, "wss-worker-");

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	private final List<QWebSocketServer> servers = new ArrayList<>();

	private final List<PythonWebSocketClient> clients = new ArrayList<>();

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeEach
	void registerBundle() {
		this.bundles.registerBundle("server", certificates.bundle("server"));
	}

	@AfterEach
	void tearDown() throws IOException {
		this.clients.forEach(PythonWebSocketClient::close);
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(1)));
		this.workers.close();
	}

	@Test
	void whenTheServerHasTlsSettingsThenItIsInSecureModeAndItsUrlIsWss() {
		QWebSocketServer secure = listening(settings().tls(TlsSettings.of("server")), null);
		assertThat(secure.secureMode()).isEqualTo(SecureMode.SECURE_MODE);
		assertThat(secure.serverUrl())
			.hasToString("wss://" + LOOPBACK.getHostAddress() + ":" + secure.serverPort() + "/chat");
		QWebSocketServer plain = listening(settings(), null);
		assertThat(plain.secureMode()).isEqualTo(SecureMode.NON_SECURE_MODE);
		assertThat(plain.serverUrl())
			.hasToString("ws://" + LOOPBACK.getHostAddress() + ":" + plain.serverPort() + "/chat");
	}

	@Test
	void whenAPythonClientConnectsOverWssThenTheSessionIsEncryptedAndEveryCountOfMessagesEchoesInOrder() {
		EchoSessions echo = new EchoSessions();
		QWebSocketServer server = listening(settings().tls(TlsSettings.of("server")), echo);
		for (int count : new int[] { 1, 63, 64, 65, 1000 }) {
			PythonWebSocketClient.Output output = PythonWebSocketClient.run("echo.py", Duration.ofSeconds(30),
					server.serverUrl() + "?count=" + count, "--cafile", ca(), "--count", String.valueOf(count),
					"--timeout", "25");
			assertThat(output.values("reply")).as(output::toString)
				.containsExactlyElementsOf(IntStream.range(0, count).mapToObj((i) -> "text:m" + i).toList());
			assertThat(output.value("close_code")).isEqualTo("1000");
			QWebSocket session = echo.next();
			assertThat(session.requestUrl()).hasScheme("wss").hasQuery("count=" + count);
			assertThat(session.sslSession()).hasValueSatisfying((ssl) -> {
				assertThat(ssl.getProtocol()).isEqualTo("TLSv1.3");
				assertThat(ssl.getCipherSuite()).startsWith("TLS_");
			});
		}
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).isEmpty();
	}

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 16383, 16384, 16385, 1024 * 1024 })
	void whenMessagesCrossTheTlsRecordSizeThenTheyEchoIntactAndInOrder(int size) {
		EchoSessions echo = new EchoSessions();
		QWebSocketServer server = listening(
				settings().tls(TlsSettings.of("server")).maxFrameSize(2 * 1024 * 1024).maxMessageSize(2 * 1024 * 1024),
				echo);
		int count = 3;
		PythonWebSocketClient.Output output = PythonWebSocketClient.run("echo.py", Duration.ofSeconds(30),
				String.valueOf(server.serverUrl()), "--cafile", ca(), "--count", String.valueOf(count), "--size",
				String.valueOf(size), "--max-size", String.valueOf(4 * 1024 * 1024), "--timeout", "25");
		List<String> replies = output.values("reply");
		assertThat(replies).as(output.stderr()).hasSize(count);
		for (int i = 0; i < count; i++) {
			String expected = "text:" + ("m" + i + ":" + "x".repeat(size)).substring(0, size);
			String reply = replies.get(i);
			assertThat(reply.length()).as("length of reply %d", i).isEqualTo(expected.length());
			assertThat(reply.equals(expected)).as("reply %d is message %d, intact", i, i).isTrue();
		}
		assertThat(output.value("close_code")).isEqualTo("1000");
		assertThat(echo.next().sslSession()).isPresent();
	}

	@Test
	void whenTheTlsSettingsSetNoTimeoutThenTheWebSocketHandshakeTimeoutClosesASilentClient() throws Exception {
		Duration timeout = Duration.ofMillis(600);
		QWebSocketServer server = listening(settings().handshakeTimeout(timeout).tls(TlsSettings.of("server")),
				new EchoSessions());
		assertThat(server.listeners().get(0).handshakeTimeout()).isEqualTo(timeout);
		Socket silent = connect(server);
		long start = System.nanoTime();
		assertClosedByServer(silent);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		// well before the 5 s a TLS listener gets by default
		assertThat(took).isBetween(timeout.minusMillis(100), Duration.ofSeconds(4));
		await().atMost(TIMEOUT).until(() -> !eventsOf(SslHandshakeErrorEvent.class).isEmpty());
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).singleElement().satisfies((error) -> {
			assertThat(error.getError()).isEqualTo(SocketError.SOCKET_TIMEOUT);
			assertThat(error.getErrorString()).contains(timeout.toString());
		});
		assertThat(eventsOf(StartedEncryptionHandshakeEvent.class)).isEmpty();
		await().atMost(TIMEOUT).until(() -> server.handshakingConnectionCount() == 0 && server.connectionCount() == 0);
		// a client that finishes TLS but never asks to upgrade gets the same time for the
		// WebSocket handshake
		long encrypted = System.nanoTime();
		OpenSslClient.Result quiet = OpenSslClient.connectUntilClosed(server.serverPort(), "", "-CAfile", ca())
			.get(30, TimeUnit.SECONDS);
		assertThat(quiet.connected()).as(quiet.report()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - encrypted)).isLessThan(Duration.ofSeconds(4));
		await().atMost(TIMEOUT).until(() -> eventsOf(StartedEncryptionHandshakeEvent.class).size() == 1);
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).hasSize(1);
	}

	@Test
	void whenClientCertificatesAreNeededThenAClientWithOneGetsInAndOneWithoutIsRefusedAndNeverPending() {
		QWebSocketServer server = listening(settings().tls(TlsSettings.of("server").withClientAuth(ClientAuth.NEED)),
				null);
		PythonWebSocketClient refused = client(server);
		assertThat(refused.await("connect_error", TIMEOUT)).isNotEmpty();
		await().atMost(TIMEOUT).until(() -> !eventsOf(SslHandshakeErrorEvent.class).isEmpty());
		assertThat(this.events).as(this.events::toString)
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("ServerListeningEvent", "StartedEncryptionHandshakeEvent", "PeerVerifyErrorEvent",
					"SslErrorsEvent", "HandshakeInterruptedOnErrorEvent", "AlertSentEvent", "SslHandshakeErrorEvent");
		assertThat(eventsOf(PeerVerifyErrorEvent.class).get(0).getError().error())
			.isEqualTo(SslError.Type.NO_PEER_CERTIFICATE);
		assertThat(eventsOf(SslHandshakeErrorEvent.class).get(0).getError())
			.isEqualTo(SocketError.SSL_HANDSHAKE_FAILED);
		assertThat(server.hasPendingConnections()).isFalse();
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 0);
		PythonWebSocketClient accepted = client(server, "--cert", certificates.certificate("client").toString(),
				"--key", certificates.key("client").toString());
		assertThat(accepted.await("status", TIMEOUT)).isEqualTo("101");
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QWebSocket session = server.nextPendingConnection();
		assertThat(session).isNotNull();
		assertThat(session.sslSession()).hasValueSatisfying((ssl) -> {
			try {
				X509Certificate peer = (X509Certificate) ssl.getPeerCertificates()[0];
				assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=qtserver test client");
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
		});
		// events come on a worker, after the queue has the session
		await().atMost(TIMEOUT).until(() -> eventsOf(PendingConnectionAvailableEvent.class).size() == 1);
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).hasSize(1);
		assertThat(eventsOf(StartedEncryptionHandshakeEvent.class)).hasSize(2);
	}

	@Test
	void whenAClientConnectsThenItsHandshakeStartsBeforeItIsPendingAndNew() throws Exception {
		QWebSocketServer server = listening(settings().tls(TlsSettings.of("server")), null);
		PythonWebSocketClient client = client(server);
		assertThat(client.await("status", TIMEOUT)).isEqualTo("101");
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QWebSocket session = server.nextPendingConnection();
		assertThat(session).isNotNull();
		await().atMost(TIMEOUT).until(() -> !eventsOf(NewConnectionEvent.class).isEmpty());
		List<String> order = this.events.stream()
			.filter((event) -> event instanceof SslConnectionEvent || event instanceof PendingConnectionAvailableEvent
					|| event instanceof NewConnectionEvent)
			.map((event) -> event.getClass().getSimpleName())
			.toList();
		assertThat(order).containsExactly("StartedEncryptionHandshakeEvent", "PendingConnectionAvailableEvent",
				"NewConnectionEvent");
		assertThat(eventsOf(StartedEncryptionHandshakeEvent.class).get(0).getConnectionId()).isEqualTo(session.id());
		session.send("from server").get(5, TimeUnit.SECONDS);
		client.command("recv");
		assertThat(client.await("recv", TIMEOUT)).isEqualTo("from server");
	}

	private QWebSocketServer listening(WebSocketServerSettings.Builder settings, @Nullable Object handler) {
		QWebSocketServer server = new QWebSocketServer("chat", settings.build(), this.events::add,
				this.workers.executor(), List.of(), this.bundles);
		this.servers.add(server);
		if (handler != null) {
			server.bindHandler(handler, "handler");
		}
		assertThat(server.listen()).as(server.errorString()).isTrue();
		return server;
	}

	private static WebSocketServerSettings.Builder settings() {
		return WebSocketServerSettings.builder().address(LOOPBACK).port(0).path("/chat");
	}

	private PythonWebSocketClient client(QWebSocketServer server, String... options) {
		List<String> arguments = new ArrayList<>(List.of(String.valueOf(server.serverUrl()), "--cafile", ca()));
		arguments.addAll(List.of(options));
		PythonWebSocketClient client = PythonWebSocketClient.start("session.py", arguments.toArray(String[]::new));
		this.clients.add(client);
		return client;
	}

	private Socket connect(QWebSocketServer server) throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		socket.connect(new InetSocketAddress(LOOPBACK, server.serverPort()), (int) TIMEOUT.toMillis());
		return socket;
	}

	private static void assertClosedByServer(Socket socket) throws IOException {
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		try {
			assertThat(socket.getInputStream().read()).as("end of stream from the server").isEqualTo(-1);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("The server did not close the socket within " + TIMEOUT, ex);
		}
		catch (SocketException ex) {
			// reset by the server: closed as well
		}
	}

	private static String ca() {
		return certificates.certificate("ca").toString();
	}

	private <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
