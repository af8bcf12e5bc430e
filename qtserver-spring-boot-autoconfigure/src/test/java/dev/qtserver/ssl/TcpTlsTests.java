package dev.qtserver.ssl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.core.ClientAuth;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.test.OpenSslClient;
import dev.qtserver.test.TestCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A TCP server with {@code ssl.bundle} is Qt's {@code QSslServer}, checked with real TLS
 * peers (OpenSSL's {@code s_client}, the JDK's {@code SSLSocket}) and certificates made
 * by the test: a connection becomes pending only once encrypted, the SSL signals arrive
 * in order, bad clients are refused with the right alert and never become pending.
 */
class TcpTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final TestCertificates certificates = TestCertificates.shared();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(8, "tls-worker-");

	private final DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<Socket> clients = new CopyOnWriteArrayList<>();

	@AfterEach
	void tearDown() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	@Test
	void whenAClientCompletesTheHandshakeThenItBecomesPendingEncryptedWithTheSignalsInQtsOrder() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		assertThat(server.isSecure()).isTrue();
		CompletableFuture<OpenSslClient.Result> client = OpenSslClient.connectUntilClosed(server.serverPort(),
				"hello\n", "-CAfile", ca(), "-verify_return_error");
		assertThat(server.waitForNewConnection(TIMEOUT)).as(this.events::toString).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		assertThat(socket).isNotNull();
		assertThat(socket.sslSession()).hasValueSatisfying((session) -> {
			assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
			assertThat(session.getCipherSuite()).startsWith("TLS_AES_");
		});
		assertThat(socket.receiveText().blockFirst(TIMEOUT)).isEqualTo("hello");
		socket.send("welcome").get(5, TimeUnit.SECONDS);
		socket.close();
		OpenSslClient.Result result = client.get(30, TimeUnit.SECONDS);
		assertThat(result.connected()).as(result.report()).isTrue();
		assertThat(result.reported("Protocol version")).isEqualTo("TLSv1.3");
		assertThat(result.reported("Verification")).isEqualTo("OK");
		assertThat(result.output()).isEqualTo("welcome\n");
		await().atMost(TIMEOUT).until(() -> eventsOf(NewConnectionEvent.class).size() == 1);
		assertThat(this.events).as(this.events::toString)
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("ServerListeningEvent", "StartedEncryptionHandshakeEvent",
					"PendingConnectionAvailableEvent", "NewConnectionEvent", "ConnectionClosedEvent");
		StartedEncryptionHandshakeEvent started = eventsOf(StartedEncryptionHandshakeEvent.class).get(0);
		assertThat(started.getConnectionId()).isEqualTo(socket.id());
		assertThat(started.getServerName()).isEqualTo("secure");
	}

	@Test
	void whenManyLinesGoBothWaysThenNoneIsLostOrReordered() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		SSLSocket client = jdkClient(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		int count = 20_000;
		StringBuilder sent = new StringBuilder();
		for (int i = 0; i < count; i++) {
			sent.append("line ").append(i).append('\n');
		}
		OutputStream out = client.getOutputStream();
		out.write(sent.toString().getBytes(StandardCharsets.UTF_8));
		out.flush();
		List<String> received = socket.receiveText().take(count).collectList().block(TIMEOUT);
		assertThat(received).hasSize(count).startsWith("line 0").endsWith("line " + (count - 1));
		for (int i = 0; i < count; i += 997) {
			assertThat(received.get(i)).isEqualTo("line " + i);
		}
		assertRepliesArrive(socket, client);
	}

	/**
	 * A TLS 1.3 client that sends its lines and closes its side (close_notify, then a TCP
	 * half-close: the JDK's {@code shutdownOutput}) has ended its input, not gone: it
	 * still reads the replies, as a plain TCP client that half-closes does.
	 */
	@Test
	void whenATls13ClientHalfClosesThenItsInputEndsAndItStillReadsTheReplies() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		SSLSocket client = jdkClient(server);
		assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		OutputStream out = client.getOutputStream();
		out.write("a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
		out.flush();
		client.shutdownOutput();
		assertThat(socket.receiveText().collectList().block(TIMEOUT)).containsExactly("a", "b", "c");
		assertRepliesArrive(socket, client);
	}

	@Test
	void whenAPlaintextClientConnectsThenItIsDroppedAtItsFirstByte() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server").withHandshakeTimeout(Duration.ofSeconds(60)), 30);
		Socket plain = connect(server);
		plain.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
		plain.setSoTimeout((int) TIMEOUT.toMillis());
		long start = System.nanoTime();
		assertThat(plain.getInputStream().read()).isEqualTo(-1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		SslHandshakeErrorEvent error = awaitEvent(SslHandshakeErrorEvent.class);
		assertThat(error.getError()).isEqualTo(SocketError.SSL_HANDSHAKE_FAILED);
		assertThat(error.getErrorString()).contains("not a TLS");
		assertThat(eventsOf(StartedEncryptionHandshakeEvent.class)).isEmpty();
		assertThat(server.hasPendingConnections()).isFalse();
		assertThat(server.statistics().errors()).isEqualTo(1);
		assertGoodClientStillServed(server);
		MeterRegistry meters = meters(server);
		assertThat(handshakes(meters, "failure")).isEqualTo(1);
		assertThat(handshakes(meters, "success")).isEqualTo(1);
		assertThat(handshakes(meters, "timeout")).isZero();
		assertThat(rejected(meters, "tls_failure")).isEqualTo(1);
		assertThat(rejected(meters, "handshake_timeout")).isZero();
	}

	@Test
	void whenAClientSendsNothingThenTheHandshakeTimeoutClosesIt() throws Exception {
		Duration timeout = Duration.ofMillis(500);
		QTcpServer server = listening(TlsSettings.of("server").withHandshakeTimeout(timeout), 30);
		Socket quiet = connect(server);
		quiet.setSoTimeout((int) TIMEOUT.toMillis());
		long start = System.nanoTime();
		assertThat(quiet.getInputStream().read()).isEqualTo(-1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.minusMillis(50));
		SslHandshakeErrorEvent error = awaitEvent(SslHandshakeErrorEvent.class);
		assertThat(error.getError()).isEqualTo(SocketError.SOCKET_TIMEOUT);
		assertThat(server.handshakingConnectionCount()).isZero();
		assertGoodClientStillServed(server);
	}

	@Test
	void whenClientCertificatesAreNeededThenATrustedOneGetsInAndItsChainIsReadable() {
		QTcpServer server = listening(TlsSettings.of("server").withClientAuth(ClientAuth.NEED), 30);
		CompletableFuture<OpenSslClient.Result> client = OpenSslClient.connectUntilClosed(server.serverPort(), "",
				"-CAfile", ca(), "-cert", certificates.certificate("client").toString(), "-key",
				certificates.key("client").toString());
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		assertThat(socket.sslSession()).hasValueSatisfying((session) -> {
			try {
				X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
				assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=qtserver test client");
			}
			catch (Exception ex) {
				throw new AssertionError(ex);
			}
		});
		socket.close();
		assertThat(client.join().connected()).isTrue();
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).isEmpty();
	}

	@Test
	void whenANeededClientCertificateIsMissingThenTheHandshakeFailsWithTheJdksAlert() {
		QTcpServer server = listening(TlsSettings.of("server").withClientAuth(ClientAuth.NEED), 30);
		OpenSslClient.Result result = OpenSslClient.connectUntilClosed(server.serverPort(), "hello\n", "-CAfile", ca())
			.join();
		assertThat(result.output()).isEmpty();
		SslHandshakeErrorEvent error = awaitEvent(SslHandshakeErrorEvent.class);
		assertThat(error.getError()).isEqualTo(SocketError.SSL_HANDSHAKE_FAILED);
		assertThat(this.events).as(this.events.toString())
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("ServerListeningEvent", "StartedEncryptionHandshakeEvent", "PeerVerifyErrorEvent",
					"SslErrorsEvent", "HandshakeInterruptedOnErrorEvent", "AlertSentEvent", "SslHandshakeErrorEvent");
		assertThat(eventsOf(PeerVerifyErrorEvent.class).get(0).getError().error())
			.isEqualTo(SslError.Type.NO_PEER_CERTIFICATE);
		AlertSentEvent alert = eventsOf(AlertSentEvent.class).get(0);
		assertThat(alert.getLevel()).isEqualTo(AlertLevel.FATAL);
		assertThat(alert.getType()).as(result.report()).isEqualTo(TlsFailure.MISSING_CERTIFICATE_ALERT);
		// the real client says which alert this JDK sent
		assertThat(result.report()).contains("alert " + alert.getType().tlsName().replace('_', ' '));
		assertThat(server.hasPendingConnections()).isFalse();
		assertGoodClientStillServed(server, "-cert", certificates.certificate("client").toString(), "-key",
				certificates.key("client").toString());
	}

	@Test
	void whenAClientCertificateIsUntrustedThenItIsRefusedWithCertificateUnknown() {
		QTcpServer server = listening(TlsSettings.of("server").withClientAuth(ClientAuth.WANT), 30);
		OpenSslClient.Result result = OpenSslClient.connect(server.serverPort(), "hello\n", "-CAfile", ca(), "-cert",
				certificates.certificate("rogue").toString(), "-key", certificates.key("rogue").toString());
		assertThat(result.output()).isEmpty();
		awaitEvent(SslHandshakeErrorEvent.class);
		SslError error = eventsOf(PeerVerifyErrorEvent.class).get(0).getError();
		assertThat(error.error()).isEqualTo(SslError.Type.CERTIFICATE_UNTRUSTED);
		assertThat(eventsOf(AlertSentEvent.class)).singleElement()
			.satisfies((alert) -> assertThat(alert.getType()).isEqualTo(AlertType.CERTIFICATE_UNKNOWN));
		assertThat(eventsOf(PendingConnectionAvailableEvent.class)).isEmpty();
		// want: a client without a certificate is let in
		assertGoodClientStillServed(server);
	}

	@Test
	void whenTheClientDoesNotTrustTheServerThenItsAlertIsReceived() {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		// the system's trust store does not know the test CA
		OpenSslClient.Result result = OpenSslClient.connect(server.serverPort(), "", "-verify_return_error");
		assertThat(result.connected()).isFalse();
		awaitEvent(SslHandshakeErrorEvent.class);
		assertThat(eventsOf(AlertReceivedEvent.class)).as(this.events.toString()).singleElement().satisfies((alert) -> {
			assertThat(alert.getLevel()).isEqualTo(AlertLevel.FATAL);
			assertThat(alert.getType()).isEqualTo(AlertType.UNKNOWN_CA);
		});
	}

	@Test
	void whenAFloodOfClientsNeverFinishesItsHandshakeThenARealClientGetsInOnceTheTimeoutFreesTheSlots()
			throws Exception {
		Duration timeout = Duration.ofMillis(800);
		QTcpServer server = listening(TlsSettings.of("server").withHandshakeTimeout(timeout), 2);
		List<Socket> flood = List.of(connect(server), connect(server));
		await().atMost(TIMEOUT).until(() -> server.handshakingConnectionCount() == 2);
		long start = System.nanoTime();
		CompletableFuture<OpenSslClient.Result> client = OpenSslClient.connectUntilClosed(server.serverPort(), "",
				"-CAfile", ca());
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		// the slots were full: the real client waited in the backlog until the flood
		// timed out
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.minusMillis(200));
		for (Socket socket : flood) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		server.nextPendingConnection().close();
		assertThat(client.join().connected()).isTrue();
		assertThat(eventsOf(SslHandshakeErrorEvent.class)).hasSize(2)
			.allSatisfy((error) -> assertThat(error.getError()).isEqualTo(SocketError.SOCKET_TIMEOUT));
		MeterRegistry meters = meters(server);
		assertThat(handshakes(meters, "timeout")).isEqualTo(2);
		assertThat(handshakes(meters, "success")).isEqualTo(1);
		assertThat(rejected(meters, "handshake_timeout")).isEqualTo(2);
		assertThat(rejected(meters, "tls_failure")).isZero();
		assertThat(meters.get(QtServerMeterBinder.TLS_HANDSHAKE_DURATION).functionTimer().count()).isEqualTo(1);
	}

	@Test
	void whenHandshakesAndPendingConnectionsTogetherReachTheLimitThenTheServerStopsAccepting() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server").withHandshakeTimeout(Duration.ofSeconds(30)), 2);
		jdkClient(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		Socket quiet = connect(server);
		await().atMost(TIMEOUT).until(() -> server.handshakingConnectionCount() == 1);
		// one pending and one in its handshake fill the two slots: the next client waits
		// in the backlog, its handshake not even started
		CompletableFuture<SSLSocket> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return jdkClient(server);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, (task) -> new Thread(task).start());
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> !waiting.isDone());
		assertThat(server.pendingConnectionCount()).isEqualTo(1);
		quiet.close();
		assertThat(waiting.get(10, TimeUnit.SECONDS).getSession().getProtocol()).isEqualTo("TLSv1.3");
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == 2);
	}

	@Test
	void whenTheBundleIsUpdatedThenNewConnectionsGetTheNewCertificateAndLiveOnesStayUp() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		SSLSocket before = jdkClient(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket live = server.nextPendingConnection();
		assertThat(peerCertificate(before)).isEqualTo(certificate("server"));
		this.bundles.updateBundle("server", certificates.bundle("server2"));
		SSLSocket after = jdkClient(server);
		assertThat(peerCertificate(after)).isEqualTo(certificate("server2"));
		before.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
		before.getOutputStream().flush();
		assertThat(live.receiveText().blockFirst(TIMEOUT)).isEqualTo("still here");
		live.send("and answered").get(5, TimeUnit.SECONDS);
		assertThat(reader(before).readLine()).isEqualTo("and answered");
	}

	@Test
	void whenAClientAsksForAServerNameThenItGetsThatNamesCertificate() {
		this.bundles.registerBundle("other", certificates.bundle("other"));
		QTcpServer server = listening(
				TlsSettings.of("server").withServerNameBundles(java.util.Map.of("other.test", "other")), 30);
		OpenSslClient.Result named = OpenSslClient.connect(server.serverPort(), "", "-CAfile", ca(), "-servername",
				"other.test");
		assertThat(named.reported("Peer certificate")).as(named.report()).isEqualTo("CN = other.test");
		OpenSslClient.Result unnamed = OpenSslClient.connect(server.serverPort(), "", "-CAfile", ca(), "-noservername");
		assertThat(unnamed.reported("Peer certificate")).as(unnamed.report()).isEqualTo("CN = localhost");
		OpenSslClient.Result unknown = OpenSslClient.connect(server.serverPort(), "", "-CAfile", ca(), "-servername",
				"localhost");
		assertThat(unknown.reported("Peer certificate")).isEqualTo("CN = localhost");
	}

	@Test
	void whenAClientOffersOnlyAnOldProtocolThenItIsRefusedWithProtocolVersion() {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		OpenSslClient.Result result = OpenSslClient.connect(server.serverPort(), "", "-tls1_1", "-cipher",
				"DEFAULT:@SECLEVEL=0");
		assertThat(result.connected()).isFalse();
		awaitEvent(SslHandshakeErrorEvent.class);
		assertThat(eventsOf(AlertSentEvent.class)).as(this.events::toString)
			.singleElement()
			.satisfies((alert) -> assertThat(alert.getType()).isEqualTo(AlertType.PROTOCOL_VERSION));
		assertThat(result.report()).contains("protocol version");
	}

	@Test
	void whenATls12ClientAsksToRenegotiateThenAHandshakeFailureAlertRefusesItAndOthersAreServed() throws Exception {
		QTcpServer server = listening(TlsSettings.of("server"), 30);
		// OpenSSL's client renegotiates when a line reads "R" and fails on the alert
		// (exit code 1: testssl.sh reads a refused renegotiation); after a close_notify
		// alone it says "DONE" or "closed" and exits with 0, as if it had renegotiated
		OpenSslClient.Result openssl = OpenSslClient.connect(server.serverPort(), "R\n", "-tls1_2", "-CAfile", ca());
		assertThat(openssl.report()).contains("RENEGOTIATING").contains("alert handshake failure");
		assertThat(openssl.exitCode()).as(openssl.report()).isOne();
		// refused and closed: the errors metric counts it (a client that just quits is no
		// error), and it leaves the pending queue
		await().atMost(TIMEOUT).until(() -> server.statistics().errors() == 1 && !server.hasPendingConnections());
		// the JDK's client renegotiates when asked for a new handshake; the alert ends it
		SSLSocket renegotiating = tls12Client(server);
		renegotiating.startHandshake();
		assertThatExceptionOfType(SSLException.class).isThrownBy(() -> renegotiating.getInputStream().read())
			.withMessageContaining("Received fatal alert: handshake_failure");
		await().atMost(TIMEOUT)
			.until(() -> eventsOf(AlertSentEvent.class).size() == 2 && !server.hasPendingConnections());
		assertThat(eventsOf(AlertSentEvent.class)).as(this.events::toString).allSatisfy((alert) -> {
			assertThat(alert.getLevel()).isEqualTo(AlertLevel.FATAL);
			assertThat(alert.getType()).isEqualTo(AlertType.HANDSHAKE_FAILURE);
		});
		assertThat(server.statistics().errors()).isEqualTo(2);
		// a TLS 1.2 client that does not renegotiate is served as usual
		SSLSocket tls12 = tls12Client(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket served = server.nextPendingConnection();
		tls12.getOutputStream().write("many\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
		tls12.getOutputStream().flush();
		assertThat(served.receiveText().take(1000).count().block(TIMEOUT)).isEqualTo(1000);
		served.send("answered").get(5, TimeUnit.SECONDS);
		assertThat(reader(tls12).readLine()).isEqualTo("answered");
		assertThat(server.statistics().errors()).isEqualTo(2);
	}

	private SSLSocket tls12Client(QTcpServer server) throws IOException {
		SSLSocket socket = (SSLSocket) certificates.bundle("server")
			.createSslContext()
			.getSocketFactory()
			.createSocket(LOOPBACK, server.serverPort());
		this.clients.add(socket);
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		socket.setEnabledProtocols(new String[] { "TLSv1.2" });
		socket.startHandshake();
		return socket;
	}

	private static MeterRegistry meters(QTcpServer server) {
		MeterRegistry registry = new SimpleMeterRegistry();
		new QtServerMeterBinder(() -> List.of(server)).bindTo(registry);
		return registry;
	}

	private static double rejected(MeterRegistry meters, String reason) {
		return meters.get(QtServerMeterBinder.CONNECTIONS_REJECTED).tag("reason", reason).functionCounter().count();
	}

	private static double handshakes(MeterRegistry meters, String outcome) {
		return meters.get(QtServerMeterBinder.TLS_HANDSHAKES).tag("outcome", outcome).functionCounter().count();
	}

	private static X509Certificate peerCertificate(SSLSocket socket) throws Exception {
		return (X509Certificate) socket.getSession().getPeerCertificates()[0];
	}

	private static X509Certificate certificate(String name) throws Exception {
		try (InputStream in = java.nio.file.Files.newInputStream(certificates.certificate(name))) {
			return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

	private static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
	}

	private void assertGoodClientStillServed(QTcpServer server, String... options) {
		List<String> arguments = new ArrayList<>(List.of("-CAfile", ca()));
		arguments.addAll(List.of(options));
		CompletableFuture<OpenSslClient.Result> client = OpenSslClient.connectUntilClosed(server.serverPort(), "",
				arguments.toArray(String[]::new));
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		server.nextPendingConnection().close();
		OpenSslClient.Result good = client.join();
		assertThat(good.connected()).as(good.report()).isTrue();
	}

	private QTcpServer listening(TlsSettings tls, int maxPending) {
		this.bundles.registerBundle("server", certificates.bundle("server"));
		TcpServerSettings settings = TcpServerSettings.builder()
			.address(LOOPBACK)
			.maxPendingConnections(maxPending)
			.tls(tls)
			.build();
		QTcpServer server = new QTcpServer("secure", settings, this.events::add, this.workers.executor(), List.of(),
				this.bundles);
		this.servers.add(server);
		assertThat(server.listen()).as(server.errorString()).isTrue();
		return server;
	}

	/** The server sends 100 replies; the client reads them, in order. */
	private static void assertRepliesArrive(QTcpSocket socket, SSLSocket client) throws IOException {
		for (int i = 0; i < 100; i++) {
			socket.send("reply " + i);
		}
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
		for (int i = 0; i < 100; i++) {
			assertThat(reader.readLine()).isEqualTo("reply " + i);
		}
	}

	private SSLSocket jdkClient(QTcpServer server) throws Exception {
		SSLContext context = certificates.bundle("server").createSslContext();
		SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(LOOPBACK, server.serverPort());
		this.clients.add(socket);
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		socket.startHandshake();
		return socket;
	}

	private Socket connect(QTcpServer server) throws IOException {
		Socket socket = new Socket();
		this.clients.add(socket);
		socket.connect(new InetSocketAddress(LOOPBACK, server.serverPort()), (int) TIMEOUT.toMillis());
		return socket;
	}

	private static String ca() {
		return certificates.certificate("ca").toString();
	}

	private <E> E awaitEvent(Class<E> type) {
		await().atMost(TIMEOUT).until(() -> !eventsOf(type).isEmpty());
		return eventsOf(type).get(0);
	}

	private <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
