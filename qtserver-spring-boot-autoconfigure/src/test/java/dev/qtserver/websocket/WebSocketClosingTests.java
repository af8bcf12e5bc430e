package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The end of a session: nothing follows our close frame, and a ping the peer never
 * answers fails when the session ends.
 */
class WebSocketClosingTests {

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

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
	void whenAHandlerClosesAndStillRepliesThenNoDataFrameFollowsTheCloseFrame() throws IOException {
		start(new CloseThenReply());
		RawWebSocketClient client = connect();
		client.sendText("bye");
		RawWebSocketClient.Frame first = client.readFrame();
		assertThat(first.opcode()).isEqualTo(RawWebSocketClient.CLOSE);
		client.sendClose(1000, "");
		assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void whenASessionEndsBeforeThePeerAnswersAPingThenThePingFails() throws Exception {
		start(null);
		RawWebSocketClient client = connect();
		QWebSocket session = awaitSession();
		CompletableFuture<Duration> ping = session.ping(new byte[] { 1, 2, 3 });
		assertThat(client.readFrame().opcode()).isEqualTo(RawWebSocketClient.PING);
		client.close();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> ping.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(ClosedChannelException.class);
	}

	private QWebSocket awaitSession() {
		AtomicReference<QWebSocket> session = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			session.set(this.server.nextPendingConnection());
			return session.get() != null;
		});
		return session.get();
	}

	private void start(Object handler) {
		this.server = new QWebSocketServer("closing",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, this.workers.executor(), List.of());
		if (handler != null) {
			this.server.bindHandler(handler, "handler");
		}
		assertThat(this.server.listen()).isTrue();
	}

	private RawWebSocketClient connect() throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(this.server.serverPort());
		this.clients.add(client);
		assertThat(client.handshake("/").status()).isEqualTo(101);
		return client;
	}

	@QtHandler(server = "closing")
	static class CloseThenReply {

		@OnMessage
		String message(QWebSocket session, String text) {
			session.close(CloseCode.NORMAL, "done");
			return "after close";
		}

	}

}
