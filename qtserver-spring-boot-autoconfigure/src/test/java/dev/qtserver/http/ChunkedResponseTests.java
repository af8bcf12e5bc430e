package dev.qtserver.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

}
