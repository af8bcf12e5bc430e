package dev.qtserver.websocket;

import java.io.EOFException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.LingeringClose;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.FloodEcho;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown of a WebSocket server under load: a client still sending gets a reply
 * to every message the server read, then the 1001 close frame, then an orderly end of the
 * connection.
 */
class WebSocketShutdownTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * Well within the time a close frame may wait for its answer, though the server reads
	 * through what is left of the flood (over a second on a slow machine) to get to it.
	 */
	private static final Duration CLOSE_ANSWERED = QWebSocket.CLOSE_HANDSHAKE_TIMEOUT.minusSeconds(1);

	private static final Duration IDLE_TIMEOUT = Duration.ofMillis(300);

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
		start(WebSocketServerSettings.builder(), FloodEcho.handler(where));
		CompletableFuture<Void> shutdown;
		int received = 0;
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort())) {
			assertThat(client.handshake("/").status()).isEqualTo(101);
			CompletableFuture<Void> flood = FloodEcho.send(client::sendText);
			// the server stops reading once the replies back up: most of the flood waits
			await().atMost(WAIT).until(() -> this.server.statistics().messagesSent() > 500);
			shutdown = shutDownInBackground();
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
			long closeSent = System.nanoTime();
			// the end of stream: a reset would have thrown something else, and could have
			// taken the close frame with it
			assertThatExceptionOfType(EOFException.class).isThrownBy(() -> client.readFrame(WAIT));
			// the server reads on to the client's close frame (through the rest of the
			// flood), and closes once it has it, not when its wait for it runs out
			assertThat(Duration.ofNanos(System.nanoTime() - closeSent)).as("the close handshake's end")
				.isLessThan(CLOSE_ANSWERED);
		}
		// the client's close ends the linger
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(received).as("a reply to every message the server read, and no more")
			.isEqualTo(this.server.statistics().messagesSent())
			.isEqualTo(this.server.statistics().messagesReceived())
			.isLessThan(FloodEcho.MESSAGES);
	}

	@Test
	void whenTheServerShutsDownWhileAHandlerWorksThenItsMessagesAreAnsweredPastTheIdleTimeoutAndLaterOnesAreDropped()
			throws Exception {
		HeldEcho handler = new HeldEcho();
		start(WebSocketServerSettings.builder().idleTimeout(IDLE_TIMEOUT), handler);
		CompletableFuture<Void> shutdown;
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort())) {
			assertThat(client.handshake("/").status()).isEqualTo(101);
			client.sendAll(HeldEcho.MESSAGES);
			assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(WAIT).until(() -> this.server.statistics().messagesReceived() == HeldEcho.MESSAGES.size());
			shutdown = shutDownInBackground();
			awaitInputEnded();

			// the session still reads: control frames are answered, data frames dropped
			client.sendText("too late");
			client.sendFrame(true, RawWebSocketClient.PING, "still there?".getBytes(StandardCharsets.UTF_8), true);
			RawWebSocketClient.Frame pong = client.readFrame(WAIT);
			assertThat(pong.opcode()).isEqualTo(RawWebSocketClient.PONG);
			assertThat(pong.text()).isEqualTo("still there?");
			// what is tested is that nothing happens: the idle timeout must pass, and
			// there is no condition to wait for
			Thread.sleep(IDLE_TIMEOUT.multipliedBy(3).toMillis());
			handler.release.countDown();

			for (String message : HeldEcho.MESSAGES) {
				assertThat(client.readText()).isEqualTo(message);
			}
			RawWebSocketClient.Frame close = client.readFrame(WAIT);
			assertThat(close.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
			assertThat(close.closeCode()).isEqualTo(CloseCode.GOING_AWAY.code());
			assertThat(close.closeReason()).isEqualTo("Server shutting down");
			client.sendClose(CloseCode.GOING_AWAY.code(), "");
			assertThat(client.awaitClosed(WAIT)).isTrue();
		}
		// the client's close ends the linger
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(handler.handled).containsExactlyElementsOf(HeldEcho.MESSAGES);
		assertThat(this.server.statistics().messagesReceived()).isEqualTo(HeldEcho.MESSAGES.size());
		assertThat(this.server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isOne();
	}

	@Test
	void whenThePeerClosesWhileTheShutdownWaitsForItsHandlerThenItsMessagesAreAnsweredAndItsCloseCodeEchoed()
			throws Exception {
		HeldEcho handler = new HeldEcho();
		start(WebSocketServerSettings.builder(), handler);
		CompletableFuture<Void> shutdown;
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort())) {
			assertThat(client.handshake("/").status()).isEqualTo(101);
			client.sendAll(HeldEcho.MESSAGES);
			assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			shutdown = shutDownInBackground();
			awaitInputEnded();
			client.sendClose(CloseCode.NORMAL.code(), "bye");
			// read while the handler still works
			await().atMost(WAIT)
				.until(() -> this.server.connections()
					.stream()
					.allMatch((session) -> session.closeCode() == CloseCode.NORMAL.code()));
			handler.release.countDown();

			for (String message : HeldEcho.MESSAGES) {
				assertThat(client.readText()).isEqualTo(message);
			}
			RawWebSocketClient.Frame close = client.readFrame(WAIT);
			assertThat(close.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
			assertThat(close.closeCode()).as("the peer's code, echoed").isEqualTo(CloseCode.NORMAL.code());
			assertThat(client.awaitClosed(WAIT)).as("the handshake is complete: no wait for an answer").isTrue();
		}
		// the client's close ends the linger
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(handler.handled).containsExactlyElementsOf(HeldEcho.MESSAGES);
		assertThat(this.server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isOne();
	}

	@Test
	void whenAHandlerFailsWhileTheShutdownWaitsForItThenTheSessionClosesAsAfterAnyHandlerFailure() throws Exception {
		HeldEcho handler = new HeldEcho();
		start(WebSocketServerSettings.builder(), handler);
		CompletableFuture<Void> shutdown;
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort())) {
			assertThat(client.handshake("/").status()).isEqualTo(101);
			client.sendAll(List.of("0", "1", HeldEcho.FAIL, "3"));
			assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			shutdown = shutDownInBackground();
			awaitInputEnded();
			handler.release.countDown();

			assertThat(client.readText()).isEqualTo("0");
			assertThat(client.readText()).isEqualTo("1");
			RawWebSocketClient.Frame close = client.readFrame(WAIT);
			assertThat(close.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
			assertThat(close.closeCode()).isEqualTo(CloseCode.BAD_OPERATION.code());
			client.sendClose(CloseCode.BAD_OPERATION.code(), "");
			assertThat(client.awaitClosed(WAIT)).isTrue();
		}
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(this.server.statistics().closed(CloseReason.HANDLER_ERROR)).as("as the close code says").isOne();
		assertThat(this.server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isZero();
	}

	private void start(WebSocketServerSettings.Builder settings, Object handler) {
		this.server = new QWebSocketServer("ws-shutdown", settings.address(InetAddress.getLoopbackAddress()).build(),
				(event) -> {
				}, this.workers.executor(), List.of());
		this.server.bindHandler(handler, "echo");
		assertThat(this.server.listen()).isTrue();
	}

	/**
	 * Wait until the shutdown has ended the session's input: it records why the session
	 * closes first, on the event loop, so what the client sends from now on is read
	 * after.
	 */
	private void awaitInputEnded() {
		await().atMost(WAIT)
			.until(() -> this.server.connections()
				.stream()
				.allMatch((session) -> session.state().whyClosed() == CloseReason.SERVER_SHUTDOWN));
	}

	private CompletableFuture<Void> shutDownInBackground() {
		// shutdown blocks until the sessions are done: not on the test's thread
		return CompletableFuture.runAsync(() -> this.server.shutdown(Duration.ofSeconds(20)),
				(runnable) -> new Thread(runnable, "shutdown").start());
	}

}
