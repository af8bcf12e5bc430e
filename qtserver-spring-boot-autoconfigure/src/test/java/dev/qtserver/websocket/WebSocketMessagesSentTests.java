package dev.qtserver.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.test.MessagePath;
import dev.qtserver.websocket.RawWebSocketClient.Frame;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link QWebSocketServer} counts every message written to a peer once, whichever way
 * it went out (a handler's return value on a worker or on the event loop, a stream of
 * replies, {@code session.send} from a handler or from the application), and counts
 * neither control frames nor messages that a closed connection refused. Counts sit at the
 * edges of the flow's read-ahead.
 */
class WebSocketMessagesSentTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

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

	@ParameterizedTest(name = "{0}, {1} messages")
	@MethodSource("dev.qtserver.test.MessagePath#withCounts")
	void whenMessagesAreSentThenEachIsCountedOnce(MessagePath path, int count) throws IOException {
		start(path.handler(new Sending()), UnaryOperator.identity());
		RawWebSocketClient client = connect();
		if (path == MessagePath.APPLICATION_SEND) {
			QWebSocket session = waiting().until(this.server::nextPendingConnection, (taken) -> taken != null);
			for (int i = 0; i < count; i++) {
				session.send("m" + i);
			}
			// a connection the application took stays open until it closes it
			session.close();
		}
		else {
			// in one write, so that the server reads them in batches of its read-ahead
			ByteArrayOutputStream requests = new ByteArrayOutputStream();
			for (int i = 0; i < count; i++) {
				requests.writeBytes(RawWebSocketClient.frame(true, RawWebSocketClient.TEXT,
						("m" + i).getBytes(StandardCharsets.UTF_8), true));
			}
			client.sendRaw(requests.toByteArray());
		}
		for (int i = 0; i < count; i++) {
			assertThat(client.readText()).isEqualTo(path.expectedReply("m" + i));
		}
		assertCountedOnClose(client, count);
	}

	@Test
	void whenAHandlerRepliesAfterClosingTheSessionThenTheDroppedReplyIsNotCounted() throws IOException {
		start(new CloseThenReply(), UnaryOperator.identity());
		RawWebSocketClient client = connect();
		client.sendText("hello");
		assertThat(client.readText()).isEqualTo(MessagePath.reply("hello"));
		client.sendText("close");
		Frame close = client.readFrame();
		assertThat(close.isClose()).as("%s", close).isTrue();
		client.sendClose(close.closeCode(), "");
		assertThat(client.awaitClosed(WAIT)).isTrue();
		waiting().until(() -> this.server.statistics().closed(CloseReason.CLOSED_BY_APPLICATION) == 1);
		assertThat(this.server.statistics().messagesSent()).isOne();
	}

	@Test
	void whenAHandlerPingsThePeerThenThePingIsNotCountedAsAMessage() throws IOException {
		start(new PingThenReply(), UnaryOperator.identity());
		RawWebSocketClient client = connect();
		client.sendText("hello");
		Frame ping = client.readFrame();
		assertThat(ping.opcode()).as("%s", ping).isEqualTo(RawWebSocketClient.PING);
		client.sendFrame(true, RawWebSocketClient.PONG, ping.payload(), true);
		assertThat(client.readText()).isEqualTo(MessagePath.reply("hello"));
		assertCountedOnClose(client, 1);
	}

	@Test
	void whenHeartbeatsPingThePeerThenTheyAreNotCountedAsMessages() throws IOException {
		start(new MessagePath.Returning(), (settings) -> settings.heartbeatInterval(Duration.ofMillis(50)));
		RawWebSocketClient client = connect();
		for (int i = 0; i < 3; i++) {
			Frame ping = client.readFrame();
			assertThat(ping.opcode()).as("%s", ping).isEqualTo(RawWebSocketClient.PING);
			client.sendFrame(true, RawWebSocketClient.PONG, ping.payload(), true);
		}
		client.sendText("hello");
		Frame reply = client.readFrame();
		while (reply.opcode() == RawWebSocketClient.PING) {
			// the next heartbeat may come before the reply
			client.sendFrame(true, RawWebSocketClient.PONG, reply.payload(), true);
			reply = client.readFrame();
		}
		assertThat(reply.text()).isEqualTo(MessagePath.reply("hello"));
		assertCountedOnClose(client, 1);
	}

	/**
	 * Close the client, wait until the server has closed the connection too (by then
	 * every write has completed), and check the count.
	 */
	private void assertCountedOnClose(RawWebSocketClient client, int count) throws IOException {
		client.close();
		waiting()
			.until(() -> Arrays.stream(CloseReason.values()).mapToLong(this.server.statistics()::closed).sum() == 1);
		assertThat(this.server.statistics().messagesSent()).isEqualTo(count);
	}

	private void start(Object handler, UnaryOperator<WebSocketServerSettings.Builder> customizer) {
		WebSocketServerSettings.Builder settings = WebSocketServerSettings.builder()
			.address(InetAddress.getLoopbackAddress());
		this.server = new QWebSocketServer("sent", customizer.apply(settings).build(), (event) -> {
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

	private static ConditionFactory waiting() {
		return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	@QtHandler(server = "sent")
	static class Sending {

		@OnMessage
		void reply(QWebSocket session, String text) {
			session.send(MessagePath.reply(text));
		}

	}

	@QtHandler(server = "sent")
	static class CloseThenReply {

		@OnMessage
		String reply(QWebSocket session, String text) {
			if (text.equals("close")) {
				session.close(CloseCode.NORMAL, "bye");
				return "too late";
			}
			return MessagePath.reply(text);
		}

	}

	@QtHandler(server = "sent")
	static class PingThenReply {

		@OnMessage
		String reply(QWebSocket session, String text) {
			session.ping(new byte[] { 1, 2, 3 });
			return MessagePath.reply(text);
		}

	}

}
