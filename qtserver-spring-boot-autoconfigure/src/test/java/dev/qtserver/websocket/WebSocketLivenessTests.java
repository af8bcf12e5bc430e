package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heartbeat and idle timeout: a session that stops answering or talking is let go, one
 * that answers and talks is kept.
 */
class WebSocketLivenessTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final List<RawWebSocketClient> clients = new ArrayList<>();

	private QWebSocketServer server;

	@AfterEach
	void tearDown() throws IOException {
		for (RawWebSocketClient client : this.clients) {
			client.close();
		}
		this.server.shutdown(Duration.ofSeconds(2));
		this.workers.close();
	}

	@Test
	void whenASessionDoesNotAnswerHeartbeatPingsThenItIsDroppedAsUnresponsive() throws IOException {
		start(WebSocketServerSettings.builder().heartbeatInterval(Duration.ofMillis(100)));
		RawWebSocketClient silent = connect();
		RawWebSocketClient.Frame ping = silent.readFrame();
		assertThat(ping.opcode()).isEqualTo(RawWebSocketClient.PING);
		// never answers: dropped after two intervals without a pong
		assertThat(silent.awaitClosed(WAIT)).isTrue();
		await().atMost(WAIT)
			.until(() -> closedEvents().stream()
				.anyMatch((event) -> event.getReason() == CloseReason.PEER_UNRESPONSIVE));
	}

	@Test
	void whenASessionAnswersHeartbeatPingsThenItStaysOpen() throws IOException {
		start(WebSocketServerSettings.builder().heartbeatInterval(Duration.ofMillis(100)));
		RawWebSocketClient lively = connect();
		long until = System.nanoTime() + Duration.ofMillis(800).toNanos();
		int pings = 0;
		while (System.nanoTime() < until) {
			RawWebSocketClient.Frame frame = lively.readFrame();
			assertThat(frame.opcode()).isEqualTo(RawWebSocketClient.PING);
			lively.sendFrame(true, RawWebSocketClient.PONG, frame.payload(), true);
			pings++;
		}
		assertThat(pings).isGreaterThanOrEqualTo(4);
		lively.sendText("still here");
		assertThat(readTextSkippingPings(lively)).isEqualTo("still here");
		assertThat(closedEvents()).isEmpty();
	}

	@Test
	void whenASessionStaysSilentPastTheIdleTimeoutThenItIsClosedWithGoingAway() throws IOException {
		start(WebSocketServerSettings.builder().idleTimeout(Duration.ofMillis(300)));
		RawWebSocketClient silent = connect();
		RawWebSocketClient.Frame close = silent.readFrame();
		assertThat(close.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
		assertThat(((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF))
			.isEqualTo(CloseCode.GOING_AWAY.code());
		silent.sendClose(CloseCode.GOING_AWAY.code(), "");
		assertThat(silent.awaitClosed(WAIT)).isTrue();
		await().atMost(WAIT)
			.until(() -> closedEvents().stream()
				.anyMatch((event) -> event.getReason() == CloseReason.IDLE_TIMEOUT && event.getCloseCode() == 1001));
	}

	@Test
	void whenASessionKeepsTalkingThenTheIdleTimeoutLeavesItOpen() throws Exception {
		start(WebSocketServerSettings.builder().idleTimeout(Duration.ofMillis(300)));
		RawWebSocketClient chatty = connect();
		for (int i = 0; i < 8; i++) {
			chatty.sendText("tick " + i);
			assertThat(chatty.readText()).isEqualTo("tick " + i);
			// pacing, not waiting: this client talks every 100 ms, well within the 300 ms
			// timeout
			Thread.sleep(100);
		}
		assertThat(closedEvents()).isEmpty();
	}

	private String readTextSkippingPings(RawWebSocketClient client) throws IOException {
		while (true) {
			RawWebSocketClient.Frame frame = client.readFrame();
			if (frame.opcode() == RawWebSocketClient.TEXT) {
				return new String(frame.payload(), java.nio.charset.StandardCharsets.UTF_8);
			}
			if (frame.opcode() == RawWebSocketClient.PING) {
				client.sendFrame(true, RawWebSocketClient.PONG, frame.payload(), true);
			}
		}
	}

	@Test
	void whenThePeerHasSentItsCloseFrameThenTheIdleTimeoutLeavesTheAnswersStillBeingWorkedOut() throws Exception {
		Duration idleTimeout = Duration.ofMillis(300);
		HeldEcho handler = new HeldEcho();
		start(WebSocketServerSettings.builder().idleTimeout(idleTimeout), handler);
		RawWebSocketClient leaving = connect();
		leaving.sendAll(HeldEcho.MESSAGES);
		assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		leaving.sendClose(CloseCode.NORMAL.code(), "done");
		await().atMost(WAIT)
			.until(() -> this.server.connections()
				.stream()
				.allMatch((session) -> session.closeCode() == CloseCode.NORMAL.code()));
		// what is tested is that nothing happens: the idle timeout must pass, and there
		// is
		// no condition to wait for
		Thread.sleep(idleTimeout.multipliedBy(3).toMillis());
		handler.release.countDown();

		for (String message : HeldEcho.MESSAGES) {
			assertThat(leaving.readText()).isEqualTo(message);
		}
		RawWebSocketClient.Frame close = leaving.readFrame();
		assertThat(close.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
		assertThat(close.closeCode()).as("the peer's, echoed").isEqualTo(CloseCode.NORMAL.code());
		assertThat(leaving.awaitClosed(WAIT)).isTrue();
		await().atMost(WAIT)
			.until(() -> closedEvents().stream().anyMatch((event) -> event.getReason() == CloseReason.PEER_CLOSED));
		assertThat(closedEvents()).noneMatch((event) -> event.getReason() == CloseReason.IDLE_TIMEOUT);
	}

	private void start(WebSocketServerSettings.Builder settings) {
		start(settings, new Echo());
	}

	private void start(WebSocketServerSettings.Builder settings, Object handler) {
		this.server = new QWebSocketServer("live", settings.address(InetAddress.getLoopbackAddress()).path("/").build(),
				this.events::add, this.workers.executor(), List.of());
		this.server.bindHandler(handler, "echo");
		assertThat(this.server.listen()).isTrue();
	}

	private RawWebSocketClient connect() throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort());
		this.clients.add(client);
		assertThat(client.handshake("/").status()).isEqualTo(101);
		return client;
	}

	private List<WebSocketClosedEvent> closedEvents() {
		return this.events.stream()
			.filter(WebSocketClosedEvent.class::isInstance)
			.map(WebSocketClosedEvent.class::cast)
			.toList();
	}

	@QtHandler(server = "live")
	static class Echo {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

}
