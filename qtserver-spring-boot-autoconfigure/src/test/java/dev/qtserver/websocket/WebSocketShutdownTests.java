package dev.qtserver.websocket;

import java.io.EOFException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.LingeringClose;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.FloodEcho;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown of a WebSocket server under load: a client still sending gets every
 * reply the server wrote, then the 1001 close frame, then an orderly end of the
 * connection.
 */
class WebSocketShutdownTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final WorkerPool workers = WorkerPool.platformThreads(4, "ws-shutdown-worker-");

	private QWebSocketServer server;

	@AfterEach
	void tearDown() {
		this.server.shutdown(Duration.ofSeconds(1));
		this.workers.close();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "on a worker", "on the event loop" })
	void whenTheServerShutsDownWhileAClientFloodsItThenEveryReplyWrittenArrivesBeforeAGoingAwayClose(String where)
			throws Exception {
		this.server = new QWebSocketServer("ws-shutdown",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, this.workers.executor(), List.of());
		this.server.bindHandler(FloodEcho.handler(where), "echo");
		assertThat(this.server.listen()).isTrue();
		CompletableFuture<Void> shutdown;
		int received = 0;
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort())) {
			assertThat(client.handshake("/").status()).isEqualTo(101);
			CompletableFuture<Void> flood = FloodEcho.send(client::sendText);
			// the server stops reading once the replies back up: most of the flood waits
			await().atMost(WAIT).until(() -> this.server.statistics().messagesSent() > 500);
			shutdown = CompletableFuture.runAsync(() -> this.server.shutdown(Duration.ofSeconds(20)),
					(runnable) -> new Thread(runnable, "shutdown").start());
			await().atMost(WAIT).until(() -> !this.server.isListening());

			RawWebSocketClient.Frame frame = client.readFrame(WAIT);
			while (frame.opcode() == RawWebSocketClient.TEXT) {
				assertThat(frame.text()).as("reply %d", received).isEqualTo(FloodEcho.message(received));
				received++;
				frame = client.readFrame(WAIT);
			}
			assertThat(frame.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(CloseCode.GOING_AWAY.code());
			flood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			client.sendClose(CloseCode.GOING_AWAY.code(), "");
			// the end of stream: a reset would have thrown something else, and could have
			// taken the close frame with it
			assertThatExceptionOfType(EOFException.class).isThrownBy(() -> client.readFrame(WAIT));
		}
		// the client's close ends the linger
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(received).as("every reply the server wrote")
			.isEqualTo(this.server.statistics().messagesSent())
			.isLessThan(FloodEcho.MESSAGES);
	}

}
