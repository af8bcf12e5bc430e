package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that sends on its own connection keeps the order of its replies, and may wait
 * for what it sent to be written.
 */
class HandlerSendTests {

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

	private QTcpServer server;

	private TcpTestClient client;

	@AfterEach
	void tearDown() throws IOException {
		if (this.client != null) {
			this.client.close();
		}
		this.server.shutdown(Duration.ofSeconds(2));
		this.workers.close();
	}

	@Test
	void whenAHandlerWaitsForItsOwnSendThenTheSendCompletesAndOrderIsKept() throws Exception {
		this.server = new QTcpServer("send",
				TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, this.workers.executor(), List.of());
		this.server.bindHandler(new WaitingSender(), "sender");
		assertThat(this.server.listen()).isTrue();
		this.client = TcpTestClient.connect(this.server.serverPort());
		this.client.sendLine("one");
		this.client.sendLine("two");
		assertThat(this.client.readLine()).isEqualTo("sent one");
		assertThat(this.client.readLine()).isEqualTo("reply one");
		assertThat(this.client.readLine()).isEqualTo("sent two");
		assertThat(this.client.readLine()).isEqualTo("reply two");
	}

	@QtHandler(server = "send")
	static class WaitingSender {

		@OnMessage
		String message(QTcpSocket socket, String line) throws Exception {
			socket.send("sent " + line).get(5, TimeUnit.SECONDS);
			return "reply " + line;
		}

	}

}
