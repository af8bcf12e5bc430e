package dev.qtserver.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.event.AcceptErrorEvent;
import dev.qtserver.event.ServerClosedEvent;
import dev.qtserver.event.ServerListeningEvent;
import dev.qtserver.test.TwoListenerServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The core every server kind shares, on a server with two listeners (as an HTTP server
 * binds several sockets): each listener binds, pauses, fails and reports on its own,
 * while limits, counts and the closed signal belong to the server. Real sockets on
 * loopback.
 */
class AbstractQtServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final WorkerPool workers = WorkerPool.platformThreads(2, "core-worker-");

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final List<Socket> clients = new ArrayList<>();

	private TwoListenerServer server = server(ListenSettings.builder().build(), 0, 0);

	@AfterEach
	void tearDown() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.server.shutdown(Duration.ofSeconds(1));
		this.workers.close();
	}

	@Test
	void whenTheServerListensThenEveryListenerBindsAndIsAnnouncedWithItsIndex() {
		assertThat(this.server.listen()).isTrue();
		ServerListener first = this.server.listeners().get(0);
		ServerListener second = this.server.listeners().get(1);
		assertThat(first.isListening()).isTrue();
		assertThat(second.isListening()).isTrue();
		assertThat(first.serverPort()).isNotEqualTo(second.serverPort());
		assertThat(this.server.serverPorts()).containsExactly(first.serverPort(), second.serverPort());
		assertThat(this.server.serverPort()).isEqualTo(first.serverPort());
		assertThat(eventsOf(ServerListeningEvent.class))
			.extracting(ServerListeningEvent::getListenerIndex, ServerListeningEvent::getPort)
			.containsExactly(tuple(0, first.serverPort()), tuple(1, second.serverPort()));
	}

	@Test
	void whenOneListenerIsPausedThenOnlyThatSocketStopsAdmitting() throws IOException {
		this.server.listen();
		ServerListener second = this.server.listeners().get(1);
		second.pauseAccepting();
		assertThat(this.server.isAcceptingPaused()).as("paused only when every listener is").isFalse();
		connect(second);
		connect(this.server.listeners().get(0));
		await().atMost(TIMEOUT).until(() -> admittedOn(this.server.listeners().get(0)) == 1);
		await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> admittedOn(second) == 0);
		second.resumeAccepting();
		await().atMost(TIMEOUT).until(() -> admittedOn(second) == 1);
		assertThat(this.server.connectionCount()).isEqualTo(2);
	}

	@Test
	void whenTheServerIsPausedThenEveryListenerIs() {
		this.server.listen();
		this.server.pauseAccepting();
		assertThat(this.server.listeners()).allMatch(ServerListener::isAcceptingPaused);
		assertThat(this.server.isAcceptingPaused()).isTrue();
		this.server.resumeAccepting();
		assertThat(this.server.listeners()).noneMatch(ServerListener::isAcceptingPaused);
	}

	@Test
	void whenMaxConnectionsIsReachedThenNoListenerAdmitsMoreUntilOneCloses() throws IOException {
		this.server.shutdown(Duration.ofSeconds(1));
		this.server = server(ListenSettings.builder().maxConnections(1).build(), 0, 0);
		this.server.listen();
		Socket first = connect(this.server.listeners().get(0));
		await().atMost(TIMEOUT).until(() -> this.server.connectionCount() == 1);
		connect(this.server.listeners().get(1));
		await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> this.server.admitted().size() == 1);
		first.close();
		await().atMost(TIMEOUT).until(() -> admittedOn(this.server.listeners().get(1)) == 1);
		assertThat(this.server.connectionCount()).isOne();
	}

	@Test
	void whenTheLastListenerClosesThenTheServerIsClosedOnce() {
		this.server.listen();
		this.server.listeners().get(0).close();
		assertThat(this.server.isListening()).isTrue();
		assertThat(this.server.serverPorts()).containsExactly(this.server.listeners().get(1).serverPort());
		assertThat(eventsOf(ServerClosedEvent.class)).isEmpty();
		this.server.close();
		assertThat(this.server.isListening()).isFalse();
		assertThat(this.server.serverPorts()).isEmpty();
		assertThat(eventsOf(ServerClosedEvent.class)).hasSize(1);
	}

	@Test
	void whenTheSecondListenersPortIsTakenThenListenFailsNamingItAndTheFirstIsClosedAgain() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
			this.server = server(ListenSettings.builder().build(), 0, taken.getLocalPort());
			assertThat(this.server.listen()).isFalse();
			assertThat(this.server.isListening()).isFalse();
			ServerListener second = this.server.listeners().get(1);
			assertThat(second.serverError()).isEqualTo(SocketError.ADDRESS_IN_USE);
			assertThat(this.server.listeners().get(0).serverError()).isEqualTo(SocketError.UNKNOWN_SOCKET_ERROR);
			assertThat(this.server.serverError()).isEqualTo(SocketError.ADDRESS_IN_USE);
			assertThat(this.server.errorString()).isEqualTo(second.errorString()).isNotEmpty();
			assertThat(eventsOf(AcceptErrorEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getListenerIndex()).isOne());
			assertThat(new ServerListenException(second)).hasMessageContaining(
					"TCP server 'multi' (listener 1) could not listen on 127.0.0.1:" + taken.getLocalPort());
		}
		assertThat(this.server.listen()).isTrue();
		assertThat(this.server.serverError()).isEqualTo(SocketError.UNKNOWN_SOCKET_ERROR);
		assertThat(this.server.errorString()).isEmpty();
	}

	private TwoListenerServer server(ListenSettings settings, int firstPort, int secondPort) {
		return new TwoListenerServer("multi", settings, firstPort, secondPort, this.events::add,
				this.workers.executor(), List.of());
	}

	private Socket connect(ServerListener listener) throws IOException {
		Socket client = new Socket(LOOPBACK, listener.serverPort());
		this.clients.add(client);
		return client;
	}

	private long admittedOn(ServerListener listener) {
		int port = listener.serverPort();
		return this.server.admitted()
			.stream()
			.filter((connection) -> ((InetSocketAddress) connection.channel().localAddress()).getPort() == port)
			.count();
	}

	private <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

}
