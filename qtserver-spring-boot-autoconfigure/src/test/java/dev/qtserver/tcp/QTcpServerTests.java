package dev.qtserver.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.AcceptErrorEvent;
import dev.qtserver.event.ConnectionClosedEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.event.ServerClosedEvent;
import dev.qtserver.event.ServerListeningEvent;
import dev.qtserver.test.LogCapture;
import dev.qtserver.test.Ports;
import io.netty.channel.Channel;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Qt's {@code QTcpServer} semantics on a real loopback socket: listening, the pending
 * queue and its limit, strict pausing, close, and the errors {@code listen()} reports.
 */
class QTcpServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** Under Linux's first SYN retransmission timeout (1 s). */
	private static final Duration SYN_RETRANSMISSION = Duration.ofMillis(900);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(8, "test-worker-");

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<Socket> clients = new ArrayList<>();

	@AfterEach
	void tearDown() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	@Test
	void whenCreatedThenQtDefaultsApplyAndNothingListens() {
		QTcpServer server = server(TcpServerSettings.builder().build());
		assertThat(server.listenBacklogSize()).isEqualTo(NetUtil.SOMAXCONN);
		assertThat(server.maxPendingConnections()).isEqualTo(30);
		assertThat(server.settings().listen().maxConnections()).isEqualTo(-1);
		assertThat(server.settings().framing()).isEqualTo(TcpFraming.LINE);
		assertThat(server.settings().maxFrameLength()).isEqualTo(64 * 1024);
		assertThat(server.isListening()).isFalse();
		assertThat(server.serverPort()).isZero();
		assertThat(server.serverAddress()).isNull();
		assertThat(server.serverError()).isEqualTo(SocketError.UNKNOWN_SOCKET_ERROR);
		assertThat(server.errorString()).isEmpty();
		assertThat(server.hasPendingConnections()).isFalse();
		assertThat(server.nextPendingConnection()).isNull();
	}

	@Test
	void whenListeningOnPortZeroThenTheSystemPicksAPortAndTheEventCarriesIt() {
		QTcpServer server = listeningServer(2);
		assertThat(server.isListening()).isTrue();
		assertThat(server.serverPort()).isPositive();
		assertThat(server.serverAddress()).isEqualTo(LOOPBACK);
		assertThat(eventsOf(ServerListeningEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getPort()).isEqualTo(server.serverPort()));
	}

	@Test
	void whenNoHandlerIsBoundThenConnectionsQueueUntilTaken() throws Exception {
		QTcpServer server = listeningServer(30);
		Socket client = connect(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		assertThat(socket).isNotNull();
		assertThat(socket.peerAddress().getPort()).isEqualTo(client.getLocalPort());
		assertThat(server.hasPendingConnections()).isFalse();
		socket.send("hello").get(5, TimeUnit.SECONDS);
		assertThat(reader(client).readLine()).isEqualTo("hello");
		write(client, "from client\n");
		assertThat(socket.receiveText().blockFirst(TIMEOUT)).isEqualTo("from client");
		await().atMost(TIMEOUT).until(() -> eventsOf(NewConnectionEvent.class).size() == 1);
		assertThat(this.events)
			.filteredOn(
					(event) -> event instanceof PendingConnectionAvailableEvent || event instanceof NewConnectionEvent)
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("PendingConnectionAvailableEvent", "NewConnectionEvent");
	}

	@Test
	void whenAClientHalfClosesThenReceiveCompletesAndTheSocketCanStillAnswer() throws Exception {
		QTcpServer server = listeningServer(30);
		Socket client = connect(server);
		write(client, "last words\n");
		client.shutdownOutput();
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		assertThat(socket.receiveText().collectList().block(TIMEOUT)).containsExactly("last words");
		socket.send("heard you").get(5, TimeUnit.SECONDS);
		socket.close();
		BufferedReader reader = reader(client);
		assertThat(reader.readLine()).isEqualTo("heard you");
		assertThat(reader.readLine()).isNull();
	}

	@Test
	void whenMaxPendingConnectionsAreQueuedThenTheNextClientIsNotAcceptedUntilOneIsTaken() throws Exception {
		QTcpServer server = listeningServer(2);
		connect(server);
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == 1);
		connect(server);
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == 2);
		Socket third = connect(server);
		await().during(Duration.ofMillis(300))
			.atMost(TIMEOUT)
			.until(() -> server.pendingConnectionCount() == 2 && eventsOf(NewConnectionEvent.class).size() == 2);
		QTcpSocket first = server.nextPendingConnection();
		assertThat(first).isNotNull();
		await().atMost(TIMEOUT).until(() -> eventsOf(NewConnectionEvent.class).size() == 3);
		assertThat(server.pendingConnectionCount()).isEqualTo(2);
		server.nextPendingConnection();
		QTcpSocket thirdAccepted = server.nextPendingConnection();
		assertThat(thirdAccepted).isNotNull();
		assertThat(thirdAccepted.peerAddress().getPort()).isEqualTo(third.getLocalPort());
	}

	@Test
	void whenPausedThenNoConnectionIsAcceptedUntilResumed() throws Exception {
		QTcpServer server = listeningServer(30);
		server.pauseAccepting();
		assertThat(server.isAcceptingPaused()).isTrue();
		connect(server);
		connect(server);
		connect(server);
		await().during(Duration.ofMillis(300))
			.atMost(TIMEOUT)
			.until(() -> server.pendingConnectionCount() == 0 && eventsOf(NewConnectionEvent.class).isEmpty());
		server.resumeAccepting();
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == 3);
	}

	/**
	 * A burst of clients larger than Qt's backlog of 50, arriving while nothing accepts:
	 * with the operating system's backlog, each handshake completes at once. With a
	 * backlog of 50 the kernel drops the later SYNs, and those clients wait for the
	 * retransmission a second later: longer than the connect timeout here.
	 */
	@Test
	void whenABurstLargerThanQtsBacklogConnectsWhilePausedThenEveryClientIsEstablishedAtOnceAndServedOnResume()
			throws Exception {
		int clients = Math.min(200, NetUtil.SOMAXCONN);
		QTcpServer server = listeningServer(clients);
		server.pauseAccepting();
		for (int i = 0; i < clients; i++) {
			Socket socket = new Socket();
			synchronized (this.clients) {
				this.clients.add(socket);
			}
			socket.connect(new InetSocketAddress(LOOPBACK, server.serverPort()), (int) SYN_RETRANSMISSION.toMillis());
		}
		assertThat(server.pendingConnectionCount()).isZero();
		server.resumeAccepting();
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == clients);
	}

	@Test
	void whenPausedThenQueuedConnectionsStayQueued() throws Exception {
		QTcpServer server = listeningServer(30);
		connect(server);
		await().atMost(TIMEOUT).until(server::hasPendingConnections);
		server.pauseAccepting();
		assertThat(server.pendingConnectionCount()).isEqualTo(1);
		assertThat(server.nextPendingConnection()).isNotNull();
	}

	@Test
	void whenClosedThenTakenConnectionsLiveOnAndUntakenOnesAreDropped() throws Exception {
		QTcpServer server = listeningServer(30);
		int port = server.serverPort();
		Socket taken = connect(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = server.nextPendingConnection();
		Socket untaken = connect(server);
		await().atMost(TIMEOUT).until(server::hasPendingConnections);

		server.close();

		assertThat(server.isListening()).isFalse();
		assertThat(server.serverPort()).isZero();
		assertThat(eventsOf(ServerClosedEvent.class)).hasSize(1);
		assertThat(untaken.getInputStream().read()).isEqualTo(-1);
		socket.send("still here").get(5, TimeUnit.SECONDS);
		assertThat(reader(taken).readLine()).isEqualTo("still here");
		Ports.assertReleased(port);
		await().atMost(TIMEOUT)
			.until(() -> eventsOf(ConnectionClosedEvent.class).stream()
				.anyMatch((event) -> event.getReason() == CloseReason.SERVER_CLOSED));
	}

	@Test
	void whenListeningTwiceThenTheSecondCallFailsWithAClearError() {
		QTcpServer server = listeningServer(30);
		int port = server.serverPort();
		assertThat(server.listen(LOOPBACK, 0)).isFalse();
		assertThat(server.serverError()).isEqualTo(SocketError.OPERATION);
		assertThat(server.errorString()).contains("already listening");
		assertThat(server.isListening()).isTrue();
		assertThat(server.serverPort()).isEqualTo(port);
	}

	@Test
	void whenThePortIsInUseThenListenFailsWithAddressInUse() {
		QTcpServer first = listeningServer(30);
		QTcpServer second = server(TcpServerSettings.builder().address(LOOPBACK).port(first.serverPort()).build());
		assertThat(second.listen()).isFalse();
		assertThat(second.isListening()).isFalse();
		assertThat(second.serverError()).isEqualTo(SocketError.ADDRESS_IN_USE);
		assertThat(second.errorString()).contains("already in use").contains(String.valueOf(first.serverPort()));
		assertThat(eventsOf(AcceptErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError()).isEqualTo(SocketError.ADDRESS_IN_USE));
	}

	@Test
	void whenAcceptingFailsThenAnAcceptErrorEventSaysWhy() throws Exception {
		AtomicReference<Channel> listening = new AtomicReference<>();
		TcpServerCustomizer capture = (name, tcp) -> tcp.doOnBound((bound) -> listening.set(bound.channel()));
		QTcpServer server = new QTcpServer("test", TcpServerSettings.builder().address(LOOPBACK).build(),
				this.events::add, this.workers.executor(), List.of(capture));
		this.servers.add(server);
		assertThat(server.listen()).isTrue();
		// Reactor Netty calls doOnBound on the listening channel's event loop, maybe
		// after listen() returned
		await().atMost(TIMEOUT).until(() -> listening.get() != null);
		try (LogCapture log = LogCapture.of(ServerListener.class)) {
			// what Netty's accept loop reports when the process runs out of file
			// descriptors
			listening.get().pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
			await().atMost(TIMEOUT).until(() -> !eventsOf(AcceptErrorEvent.class).isEmpty());
			assertThat(log.messages()).singleElement()
				.asString()
				.startsWith("WARN TCP server 'test' failed to accept a connection")
				.contains("Too many open files");
		}
		assertThat(eventsOf(AcceptErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError()).isEqualTo(SocketError.SOCKET_RESOURCE));
		assertThat(server.serverError()).isEqualTo(SocketError.SOCKET_RESOURCE);
		assertThat(server.isListening()).isTrue();
		Socket client = connect(server);
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		client.close();
	}

	@Test
	void whenTheAddressIsNotOfThisHostThenListenFailsWithAddressNotAvailable() throws Exception {
		QTcpServer server = server(TcpServerSettings.builder().build());
		// 192.0.2.0/24 is TEST-NET-1: never assigned to a host; the bind fails, no
		// traffic is sent
		assertThat(server.listen(InetAddress.getByName("192.0.2.1"), 0)).isFalse();
		assertThat(server.serverError()).isEqualTo(SocketError.SOCKET_ADDRESS_NOT_AVAILABLE);
		assertThat(server.errorString()).contains("192.0.2.1");
	}

	@Test
	void whenNobodyConnectsThenWaitForNewConnectionTimesOut() {
		QTcpServer server = listeningServer(30);
		long start = System.nanoTime();
		assertThat(server.waitForNewConnection(Duration.ofMillis(200))).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
	}

	@Test
	void whenAClientConnectsWhileWaitingThenWaitForNewConnectionReturnsTrue() throws Exception {
		QTcpServer server = listeningServer(30);
		Thread connector = new Thread(() -> {
			try {
				connect(server);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		connector.start();
		assertThat(server.waitForNewConnection(TIMEOUT)).isTrue();
		connector.join();
	}

	@Test
	void whenNotListeningThenWaitForNewConnectionReturnsFalseAtOnce() {
		QTcpServer server = server(TcpServerSettings.builder().build());
		assertThat(server.waitForNewConnection(TIMEOUT)).isFalse();
	}

	@Test
	void whenCalledOnAnEventLoopThenBlockingMethodsRefuse() throws Exception {
		QTcpServer server = listeningServer(30);
		LoopResources loops = LoopResources.create("test-loop", 1, true);
		try {
			var loop = loops.onServer(false).next();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> loop.submit(() -> server.waitForNewConnection(TIMEOUT)).get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(IllegalStateException.class)
				.withMessageContaining("event loop");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> loop.submit(() -> server.shutdown(TIMEOUT)).get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(IllegalStateException.class)
				.withMessageContaining("shutdown")
				.withMessageContaining("event loop");
			assertThat(server.isListening()).as("still listening: the refused shutdown did nothing").isTrue();
		}
		finally {
			loops.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void whenMaxConnectionsIsReachedThenTheNextClientWaitsUntilOneCloses() throws Exception {
		QTcpServer server = server(TcpServerSettings.builder().address(LOOPBACK).maxConnections(1).build());
		server.bindHandler(new EchoHandler(), "echoHandler");
		assertThat(server.listen()).isTrue();
		Socket first = connect(server);
		assertThat(echo(first, "one")).isEqualTo("one");
		Socket second = connect(server);
		write(second, "two\n");
		await().during(Duration.ofMillis(300))
			.atMost(TIMEOUT)
			.until(() -> server.connectionCount() == 1 && eventsOf(NewConnectionEvent.class).size() == 1);
		first.close();
		assertThat(reader(second).readLine()).isEqualTo("two");
	}

	@Test
	void whenShutDownThenLiveConnectionsAreClosedAfterTheirMessages() throws Exception {
		QTcpServer server = server(TcpServerSettings.builder().address(LOOPBACK).build());
		server.bindHandler(new EchoHandler(), "echoHandler");
		assertThat(server.listen()).isTrue();
		Socket client = connect(server);
		assertThat(echo(client, "before")).isEqualTo("before");
		server.shutdown(TIMEOUT);
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		await().atMost(TIMEOUT)
			.until(() -> eventsOf(ConnectionClosedEvent.class).stream()
				.anyMatch((event) -> event.getReason() == CloseReason.SERVER_SHUTDOWN));
		assertThat(server.connectionCount()).isZero();
	}

	private QTcpServer listeningServer(int maxPending) {
		QTcpServer server = server(
				TcpServerSettings.builder().address(LOOPBACK).port(0).maxPendingConnections(maxPending).build());
		assertThat(server.listen()).isTrue();
		return server;
	}

	private QTcpServer server(TcpServerSettings settings) {
		QTcpServer server = new QTcpServer("test", settings, this.events::add, this.workers.executor(), List.of());
		this.servers.add(server);
		return server;
	}

	private Socket connect(QTcpServer server) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(LOOPBACK, server.serverPort()), 5000);
		socket.setSoTimeout(5000);
		synchronized (this.clients) {
			this.clients.add(socket);
		}
		return socket;
	}

	private static String echo(Socket client, String line) throws IOException {
		write(client, line + "\n");
		return reader(client).readLine();
	}

	private static void write(Socket client, String text) throws IOException {
		OutputStream out = client.getOutputStream();
		out.write(text.getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	private static BufferedReader reader(Socket client) throws IOException {
		return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
	}

	private <E extends ApplicationEvent> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	@dev.qtserver.handler.QtHandler(server = "test")
	static class EchoHandler {

		@dev.qtserver.handler.OnMessage
		String echo(String line) {
			return line;
		}

	}

}
