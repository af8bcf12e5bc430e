package dev.qtserver.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several listeners, pausing one of them, and the server-wide connection limit.
 */
class HttpListenersTests {

	private static final Duration PARKED = Duration.ofMillis(300);

	private final HttpServerFixture fixture = new HttpServerFixture();

	private final List<RawHttpClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

	@AfterEach
	void tearDown() throws Exception {
		for (RawHttpClient client : this.clients) {
			client.close();
		}
		this.fixture.close();
	}

	@Test
	void whenTwoListenersAreConfiguredOnPortZeroThenBothServeOnTheirOwnPorts() throws Exception {
		QHttpServer server = startTwoListeners();
		assertThat(server.servers()).hasSize(2);
		List<Integer> ports = server.serverPorts();
		assertThat(ports).hasSize(2).doesNotHaveDuplicates().allSatisfy((port) -> assertThat(port).isPositive());
		assertThat(ports).containsExactly(server.servers().get(0).serverPort(), server.servers().get(1).serverPort());
		for (int port : ports) {
			assertThat(Curl.run("http://127.0.0.1:" + port + "/where")).isEqualTo("port " + port);
		}
	}

	@Test
	void whenAListenerIsBoundAtRuntimeThenItServesTooAndComesLast() throws Exception {
		QHttpServer server = this.fixture.start(new Where());
		ServerListener added = server.bind(HttpServerFixture.LOOPBACK, 0);
		assertThat(added).isNotNull();
		assertThat(server.servers()).hasSize(2).last().isSameAs(added);
		assertThat(server.serverPorts()).containsExactly(server.serverPort(), added.serverPort());
		assertThat(Curl.run("http://127.0.0.1:" + added.serverPort() + "/where"))
			.isEqualTo("port " + added.serverPort());
		assertThat(Curl.run("http://127.0.0.1:" + server.serverPort() + "/where"))
			.isEqualTo("port " + server.serverPort());
	}

	@Test
	void whenARuntimeBindFailsThenNoListenerIsAddedAndTheErrorSaysWhy() throws Exception {
		QHttpServer server = this.fixture.start(new Where());
		assertThat(server.bind(HttpServerFixture.LOOPBACK, server.serverPort())).isNull();
		assertThat(server.servers()).hasSize(1);
		assertThat(server.serverError()).isEqualTo(SocketError.ADDRESS_IN_USE);
		assertThat(server.errorString()).contains(String.valueOf(server.serverPort()));
		assertThat(Curl.run("http://127.0.0.1:" + server.serverPort() + "/where"))
			.isEqualTo("port " + server.serverPort());
	}

	@Test
	void whenOneListenerIsPausedThenItsNewConnectionsWaitWhileTheOtherServes() throws Exception {
		QHttpServer server = startTwoListeners();
		int paused = server.serverPorts().get(0);
		int open = server.serverPorts().get(1);
		server.servers().get(0).pauseAccepting();
		CompletableFuture<String> waiting = requestAsync(paused);
		await().during(PARKED).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
		assertThat(Curl.run("http://127.0.0.1:" + open + "/where")).isEqualTo("port " + open);
		server.servers().get(0).resumeAccepting();
		assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("port " + paused);
	}

	@Test
	void whenMaxConnectionsAreOpenThenTheNextConnectionWaitsUntilOneCloses() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.maxConnections(2), new Where());
		int port = server.serverPort();
		RawHttpClient first = connect(port);
		first.get("/where");
		assertThat(first.read().text()).isEqualTo("port " + port);
		RawHttpClient second = connect(port);
		second.get("/where");
		assertThat(second.read().text()).isEqualTo("port " + port);
		CompletableFuture<String> third = requestAsync(port);
		await().during(PARKED).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());
		first.close();
		assertThat(third.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("port " + port);
		second.get("/where");
		assertThat(second.read().text()).isEqualTo("port " + port);
	}

	private QHttpServer startTwoListeners() {
		ListenerSettings any = ListenerSettings.plain(new InetSocketAddress(HttpServerFixture.LOOPBACK, 0));
		return this.fixture.start((settings) -> settings.listeners(List.of(any, any)), new Where());
	}

	private RawHttpClient connect(int port) throws Exception {
		RawHttpClient client = RawHttpClient.connect(port);
		this.clients.add(client);
		return client;
	}

	private CompletableFuture<String> requestAsync(int port) throws Exception {
		RawHttpClient client = connect(port);
		// a thread of its own: it blocks while the connection is parked, and the common
		// pool
		// has one thread on two cores
		CompletableFuture<String> answer = new CompletableFuture<>();
		Thread requester = new Thread(() -> {
			try {
				client.get("/where");
				answer.complete(client.read().text());
			}
			catch (Exception ex) {
				answer.completeExceptionally(ex);
			}
		}, "parked-request");
		requester.setDaemon(true);
		requester.start();
		return answer;
	}

	static class Where {

		@Route("/where")
		String where(QHttpServerRequest request) {
			return "port " + request.localAddress().getPort();
		}

	}

}
