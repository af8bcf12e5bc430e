package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.ConnectionErrorEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that resets a session nobody reads yet (a pending session) is the session's
 * error, recorded as an event and a metric, and not an uncaught exception that Reactor
 * Netty logs at ERROR.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnreadSessionErrorTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private WorkerPool workers;

	private QWebSocketServer server;

	private int outputStart;

	@BeforeEach
	void start(CapturedOutput output) {
		this.outputStart = output.getAll().length();
		this.workers = WorkerPool.platformThreads(4, "unread-worker-");
		this.server = new QWebSocketServer("unread",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), this.events::add,
				this.workers.executor(), List.of());
		assertThat(this.server.listen()).isTrue();
	}

	@AfterEach
	void shutdown() {
		this.server.shutdown(Duration.ofSeconds(2));
		this.workers.close();
	}

	@Test
	void whenAPendingSessionIsResetThenItsErrorIsAnEventAndNothingIsLogged(CapturedOutput output) throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort());
		assertThat(client.handshake("/").status()).isEqualTo(101);
		await().atMost(WAIT).until(this.server::hasPendingConnections);
		client.reset();
		await().atMost(WAIT).until(() -> this.server.connectionCount() == 0);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events).filteredOn(ConnectionErrorEvent.class::isInstance)
				.singleElement()
				.satisfies((event) -> assertThat(((ConnectionErrorEvent) event).getError())
					.isInstanceOf(IOException.class)));
		assertThat(this.server.statistics().errors()).isEqualTo(1);
		assertNothingLogged(output);
	}

	private void assertNothingLogged(CapturedOutput output) {
		assertThat(output.getAll().substring(this.outputStart)).doesNotContain("onUncaughtException")
			.doesNotContain(" ERROR ")
			.doesNotContain(" WARN ");
	}

}
