package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.test.MessagePath;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link QTcpServer} counts every message written to a peer once, whichever way it went
 * out (a handler's return value on a worker or on the event loop, a stream of replies,
 * {@code socket.send} from a handler or from the application), and counts nothing that a
 * closed connection refused. Counts sit at the edges of the flow's read-ahead.
 */
class TcpMessagesSentTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

	private final List<TcpTestClient> clients = new ArrayList<>();

	private QTcpServer server;

	@AfterEach
	void tearDown() throws IOException {
		for (TcpTestClient client : this.clients) {
			client.close();
		}
		this.server.shutdown(Duration.ofSeconds(2));
		this.workers.close();
	}

	@ParameterizedTest(name = "{0}, {1} messages")
	@MethodSource("dev.qtserver.test.MessagePath#withCounts")
	void whenMessagesAreSentThenEachIsCountedOnce(MessagePath path, int count) throws IOException {
		start(path.handler(new Sending()));
		TcpTestClient client = connect();
		if (path == MessagePath.APPLICATION_SEND) {
			QTcpSocket socket = waiting().until(this.server::nextPendingConnection, (taken) -> taken != null);
			for (int i = 0; i < count; i++) {
				socket.send("m" + i);
			}
			// a connection the application took stays open until it closes it
			socket.close();
		}
		else {
			StringBuilder requests = new StringBuilder();
			for (int i = 0; i < count; i++) {
				requests.append('m').append(i).append('\n');
			}
			client.send(requests.toString());
		}
		for (int i = 0; i < count; i++) {
			assertThat(client.readLine()).isEqualTo(path.expectedReply("m" + i));
		}
		assertCountedOnClose(client, count);
	}

	@Test
	void whenAHandlerRepliesAfterClosingItsSocketThenTheReplyThatWasNeverWrittenIsNotCounted() throws IOException {
		start(new CloseThenReply());
		TcpTestClient client = connect();
		client.sendLine("hello");
		assertThat(client.readLine()).isEqualTo(MessagePath.reply("hello"));
		client.sendLine("close");
		assertThat(client.awaitClosed(WAIT)).isTrue();
		waiting().until(() -> this.server.statistics().closed(CloseReason.CLOSED_BY_APPLICATION) == 1);
		assertThat(this.server.statistics().messagesSent()).isOne();
	}

	/**
	 * Close the client, wait until the server has closed the connection too (by then
	 * every write has completed), and check the count.
	 */
	private void assertCountedOnClose(TcpTestClient client, int count) throws IOException {
		client.close();
		waiting()
			.until(() -> Arrays.stream(CloseReason.values()).mapToLong(this.server.statistics()::closed).sum() == 1);
		assertThat(this.server.statistics().messagesSent()).isEqualTo(count);
	}

	private void start(Object handler) {
		this.server = new QTcpServer("sent",
				TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).framing(TcpFraming.LINE).build(),
				(event) -> {
				}, this.workers.executor(), List.of());
		if (handler != null) {
			this.server.bindHandler(handler, "handler");
		}
		assertThat(this.server.listen()).isTrue();
	}

	private TcpTestClient connect() throws IOException {
		TcpTestClient client = TcpTestClient.connect(this.server.serverPort());
		this.clients.add(client);
		return client;
	}

	private static ConditionFactory waiting() {
		return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	@QtHandler(server = "sent")
	static class Sending {

		@OnMessage
		void reply(QTcpSocket socket, String line) {
			socket.send(MessagePath.reply(line));
		}

	}

	@QtHandler(server = "sent")
	static class CloseThenReply {

		@OnMessage
		String reply(QTcpSocket socket, String line) {
			if (line.equals("close")) {
				socket.close();
				return "too late";
			}
			return MessagePath.reply(line);
		}

	}

}
