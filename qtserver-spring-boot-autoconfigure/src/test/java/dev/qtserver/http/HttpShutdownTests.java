package dev.qtserver.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.qtserver.test.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown: requests in flight when the server shuts down are answered within
 * the timeout, and the server takes no new connection.
 */
class HttpShutdownTests {

	private static final int REQUESTS = 8;

	private final HttpServerFixture fixture = new HttpServerFixture();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenTheServerShutsDownWithSlowRequestsInFlightThenEachIsAnsweredAndNoNewConnectionIsTaken() throws Exception {
		Slow slow = new Slow(REQUESTS);
		QHttpServer server = this.fixture.start(slow);
		int port = server.serverPort();
		List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, REQUESTS)
			.mapToObj((i) -> this.client
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/" + i))
					.timeout(Duration.ofSeconds(20))
					.build(), HttpResponse.BodyHandlers.ofString()))
			.toList();
		assertThat(slow.started.await(10, TimeUnit.SECONDS)).as("every handler started").isTrue();
		// a timeout far beyond the wait below: the shutdown must end when the last
		// request is answered, woken by it, not when its timeout runs out
		CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(120)),
				runnable -> new Thread(runnable).start());
		// the listeners close first: from then on the server is shutting down with every
		// request still in its handler
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.isListening());
		assertThat(shutdown).isNotDone();
		slow.release.countDown();
		for (int i = 0; i < REQUESTS; i++) {
			HttpResponse<String> response = responses.get(i).get(20, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("done " + i);
		}
		shutdown.get(20, TimeUnit.SECONDS);
		Ports.assertReleased(port);
	}

	static class Slow {

		final CountDownLatch started;

		final CountDownLatch release = new CountDownLatch(1);

		Slow(int requests) {
			this.started = new CountDownLatch(requests);
		}

		/** On a worker (it returns a String), held until the test lets it go. */
		@Route(value = "/slow/{index}", methods = "GET")
		String slow(@PathVariable("index") int index) throws InterruptedException {
			this.started.countDown();
			assertThat(this.release.await(15, TimeUnit.SECONDS)).isTrue();
			return "done " + index;
		}

	}

}
