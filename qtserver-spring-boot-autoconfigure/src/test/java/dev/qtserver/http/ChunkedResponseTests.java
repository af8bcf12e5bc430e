package dev.qtserver.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large chunked responses written from a worker to a slow reader, and clients that go
 * away while a handler is still working.
 */
class ChunkedResponseTests {

	private static final int MB = 1024 * 1024;

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenAWorkerWritesThreeMegabyteChunksToASlowReaderThenAllArrivesInOrderWithTheTrailer() throws Exception {
		AtomicInteger written = new AtomicInteger();
		// a small kernel send buffer: loopback's would take megabytes before Netty sees
		// the connection unwritable
		this.fixture.customize((server, http) -> http.childOption(ChannelOption.SO_SNDBUF, 32 * 1024));
		QHttpServer server = this.fixture.start((HttpRequestHandler) (request, responder) -> {
			responder.writeBeginChunked(200, Map.of("Content-Type", "application/octet-stream"), "X-Checksum");
			for (int i = 0; i < 3; i++) {
				byte[] chunk = new byte[MB];
				Arrays.fill(chunk, (byte) ('a' + i));
				responder.writeChunk(chunk);
				written.incrementAndGet();
			}
			responder.writeEndChunked(new byte[0], Map.of("X-Checksum", "abc"));
			return true;
		});
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			client.get("/large");
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("trailer")).isEqualTo("X-Checksum");
			assertThat(response.body()).hasSize(3 * MB);
			for (int i = 0; i < 3; i++) {
				byte expected = (byte) ('a' + i);
				byte[] part = Arrays.copyOfRange(response.body(), i * MB, (i + 1) * MB);
				assertThat(part).as("chunk %d", i).containsOnly(expected);
			}
			assertThat(response.trailers()).containsEntry("x-checksum", "abc");
			assertThat(written).hasValue(3);
		}
	}

	/**
	 * HTTP/1.0 has no chunked coding: a streamed answer to an HTTP/1.0 request is sent as
	 * it is and ends with the connection, which curl (as an HTTP/1.0 client) reads whole.
	 */
	@Test
	void whenAnHttp10ClientAsksForAStreamedResponseThenItIsSentWithoutChunkingAndEndsWithTheConnection()
			throws Exception {
		QHttpServer server = this.fixture.start((HttpRequestHandler) (request, responder) -> {
			responder.writeBeginChunked(200, Map.of("Content-Type", "text/plain"));
			for (int i = 0; i < 100; i++) {
				responder.writeChunk("line " + i + "\n");
			}
			responder.writeEndChunked(new byte[0], Map.of());
			return true;
		});
		String expected = java.util.stream.IntStream.range(0, 100)
			.mapToObj((i) -> "line " + i + "\n")
			.collect(java.util.stream.Collectors.joining());
		String output = Curl.run("-0", "-i", "http://127.0.0.1:" + server.serverPort() + "/stream");
		assertThat(output).doesNotContainIgnoringCase("transfer-encoding").endsWith("\n\n" + expected);
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /stream HTTP/1.0\r\n\r\n");
			String raw = new String(client.input().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
			assertThat(raw).doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\n" + expected);
		}
		// an HTTP/1.1 client still gets the chunked coding
		assertThat(Curl.run("-i", "http://127.0.0.1:" + server.serverPort() + "/stream"))
			.containsIgnoringCase("transfer-encoding: chunked")
			.endsWith("\n\n" + expected);
	}

	/** The same for a route that returns a stream. */
	@Test
	void whenAnHttp10ClientAsksForAStreamedRouteThenItIsSentWithoutChunking() {
		QHttpServer server = this.fixture.start(new Streams());
		String expected = java.util.stream.IntStream.range(0, 100)
			.mapToObj((i) -> "line " + i + "\n")
			.collect(java.util.stream.Collectors.joining());
		String output = Curl.run("-0", "-i", "http://127.0.0.1:" + server.serverPort() + "/lines");
		assertThat(output).doesNotContainIgnoringCase("transfer-encoding").endsWith("\n\n" + expected);
	}

	/**
	 * Two threads end the same chunked response at once: one end wins, the other fails as
	 * a write after the end does, and the client reads one whole response.
	 */
	@Test
	void whenTwoThreadsEndAChunkedResponseAtOnceThenOneWinsAndTheOtherFails() throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		AtomicInteger ended = new AtomicInteger();
		QHttpServer server = this.fixture.start((HttpRequestHandler) (request, responder) -> {
			responder.writeBeginChunked(200, Map.of(), "X-End");
			responder.writeChunk("first ");
			CyclicBarrier together = new CyclicBarrier(2);
			Runnable end = () -> {
				try {
					together.await(5, TimeUnit.SECONDS);
					responder.writeEndChunked(("by " + Thread.currentThread().getName()).getBytes(),
							Map.of("X-End", Thread.currentThread().getName()));
					ended.incrementAndGet();
				}
				catch (Exception ex) {
					failures.add(ex);
				}
			};
			Thread one = new Thread(end, "one");
			Thread two = new Thread(end, "two");
			one.start();
			two.start();
			try {
				one.join();
				two.join();
				responder.writeChunk("after");
			}
			catch (Exception ex) {
				failures.add(ex);
			}
			return true;
		});
		for (int round = 0; round < 20; round++) {
			failures.clear();
			ended.set(0);
			try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
				client.get("/end");
				RawHttpClient.Response response = client.read();
				String winner = response.trailers().get("x-end");
				assertThat(winner).isIn("one", "two");
				assertThat(response.text()).isEqualTo("first by " + winner);
			}
			// the loser's end and the chunk after the end, once the handler has run on
			await().atMost(Duration.ofSeconds(5)).until(() -> failures.size() >= 2);
			assertThat(ended).hasValue(1);
			assertThat(failures).hasSize(2)
				.allSatisfy((failure) -> assertThat(failure).isInstanceOf(IllegalStateException.class)
					.hasMessageEndingWith("is complete"));
		}
	}

	@Test
	void whenTheClientDisconnectsDuringASlowHandlerThenTheResponderIsCancelledAndNothingFails() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicReference<QHttpServerResponder> seen = new AtomicReference<>();
		QHttpServer server = this.fixture.start((HttpRequestHandler) (request, responder) -> {
			seen.set(responder);
			started.countDown();
			await().atMost(Duration.ofSeconds(5)).until(responder::isCancelled);
			// too late: the response goes nowhere, and that is no error
			responder.write("too late");
			return true;
		});
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/slow");
			assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(seen.get().isCancelled()).isFalse();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> seen.get().isCancelled());
		await().atMost(Duration.ofSeconds(5)).until(() -> server.statistics().messagesSent() == 1);
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).isEmpty();
		assertThat(server.statistics().errors()).isZero();
	}

	@Test
	void whenClientsResetDuringAStreamedRouteThenEachStreamIsCancelledAndNoHandlerFailed() throws Exception {
		Streams streams = new Streams();
		QHttpServer server = this.fixture.start(streams);
		int clients = 10;
		for (int i = 0; i < clients; i++) {
			// mid-stream: the head and some chunks read
			RawHttpClient client = RawHttpClient.connect(server.serverPort());
			client.get("/ticks");
			assertThat(client.readHead().status()).isEqualTo(200);
			reset(client);
		}
		for (int i = 0; i < clients; i++) {
			// at once: the request is read, then the head's write meets the reset
			RawHttpClient client = RawHttpClient.connect(server.serverPort());
			client.get("/late");
			reset(client);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> server.statistics().messagesReceived() == 2 * clients
					&& server.statistics().messagesSent() == 2 * clients);
		await().atMost(Duration.ofSeconds(5)).until(() -> streams.cancelled.get() == clients);
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).isEmpty();
		assertThat(server.statistics().handlerErrors()).isZero();
		assertThat(server.statistics().errors()).isZero();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/ok");
			assertThat(new String(client.read().body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("ok");
		}
	}

	@Test
	void whenAStreamedRouteFailsAfterItsFirstChunkThenTheHandlerFailedAndTheConnectionIsCut() throws Exception {
		QHttpServer server = this.fixture.start(new Streams());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/broken");
			assertThat(client.readHead().status()).isEqualTo(200);
			// the first chunk, then the cut: no last chunk tells the client it is whole
			String rest = new String(client.readUntilClosed(), java.nio.charset.StandardCharsets.UTF_8);
			assertThat(rest).contains("first").doesNotEndWith("0\r\n\r\n");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.statistics().handlerErrors() == 1);
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError()).hasMessage("stream broke"));
	}

	/** A reset, not a close: the server's next write fails on it. */
	private static void reset(RawHttpClient client) throws java.io.IOException {
		client.socket().setSoLinger(true, 0);
		client.close();
	}

	static class Streams {

		final AtomicInteger cancelled = new AtomicInteger();

		@Route("/ticks")
		Flux<String> ticks() {
			return Flux.interval(Duration.ofMillis(5))
				.map((tick) -> "tick " + tick + "\n")
				.doOnCancel(this.cancelled::incrementAndGet);
		}

		@Route("/late")
		Flux<String> late() {
			return Flux.just("late\n").delayElements(Duration.ofMillis(200));
		}

		@Route("/broken")
		Flux<String> broken() {
			return Flux.just("first\n").concatWith(Flux.error(new IllegalStateException("stream broke")));
		}

		@Route("/lines")
		Flux<String> lines() {
			return Flux.range(0, 100).map((i) -> "line " + i + "\n").delayElements(Duration.ofMillis(1));
		}

		@Route("/ok")
		String ok() {
			return "ok";
		}

	}

}
