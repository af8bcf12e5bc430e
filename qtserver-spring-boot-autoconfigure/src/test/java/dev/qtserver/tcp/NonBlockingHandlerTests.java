package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.Blocking;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnError;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link NonBlocking} handler runs on the event loop: same replies, same order, no
 * hand-off.
 */
class NonBlockingHandlerTests {

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

	private final List<TcpTestClient> clients = new ArrayList<>();

	private QTcpServer server;

	@AfterEach
	void tearDown() throws IOException {
		for (TcpTestClient client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.shutdown(Duration.ofSeconds(2));
		}
		this.workers.close();
	}

	@Test
	void whenTheHandlerIsNonBlockingThenItsMethodsRunOnTheEventLoop() throws IOException {
		LoopEcho handler = new LoopEcho();
		start(handler);
		TcpTestClient client = connect();
		client.sendLine("hello");
		assertThat(client.readLine()).isEqualTo("hello");
		client.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> handler.threads.size() == 3);
		assertThat(handler.threads).containsExactly("connect:loop", "message:loop", "disconnect:loop");
	}

	@Test
	void whenManyMessagesArePipelinedThenANonBlockingHandlerAnswersThemInOrder() throws IOException {
		start(new LoopEcho());
		TcpTestClient client = connect();
		StringBuilder burst = new StringBuilder();
		for (int i = 0; i < 2000; i++) {
			burst.append("line ").append(i).append('\n');
		}
		client.send(burst.toString());
		for (int i = 0; i < 2000; i++) {
			assertThat(client.readLine()).isEqualTo("line " + i);
		}
	}

	@Test
	void whenANonBlockingHandlerReturnsAPublisherThenItsItemsAreWrittenFromTheEventLoop() throws IOException {
		start(new StreamingLoopHandler());
		TcpTestClient client = connect();
		client.sendLine("a,b");
		client.sendLine("c");
		assertThat(List.of(client.readLine(), client.readLine(), client.readLine())).containsExactly("a", "b", "c");
	}

	@Test
	void whenAStreamedReplyOutgrowsTheWriteBufferBehindQueuedMessagesThenItIsFlushedAndTheRestFollows()
			throws IOException {
		// each line's two replies fill the channel's write buffer past its high-water
		// mark: the reply waits for room, which comes only if what it wrote is flushed
		// (the flush at the end of the batch waits behind the reply)
		start(new DoublingLoopHandler());
		TcpTestClient client = connect();
		StringBuilder burst = new StringBuilder();
		for (int i = 0; i < 10; i++) {
			burst.append(String.valueOf((char) ('a' + i)).repeat(50_000)).append('\n');
		}
		client.send(burst.toString());
		for (int i = 0; i < 10; i++) {
			String line = String.valueOf((char) ('a' + i)).repeat(50_000);
			assertThat(client.readLine()).isEqualTo(line);
			assertThat(client.readLine()).isEqualTo(line);
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void whenAMonoReplyHoldsItsValueAlreadyThenItIsWrittenInOrderAndAnErrorReachesOnError(boolean onLoop)
			throws IOException {
		// Mono.just, Mono.empty and Mono.error carry their outcome already: written
		// without a subscription, with the same result as one
		start(onLoop ? new ScalarReplies() : new BlockingScalarReplies());
		TcpTestClient client = connect();
		StringBuilder burst = new StringBuilder();
		for (int i = 0; i < 300; i++) {
			burst.append((i % 3 == 0) ? "skip " : (i % 7 == 0) ? "fail " : "line ").append(i).append('\n');
		}
		client.send(burst.toString());
		for (int i = 0; i < 300; i++) {
			if (i % 3 == 0) {
				continue;
			}
			String expected = (i % 7 == 0) ? "error: IOException fail " + i : "line " + i;
			assertThat(client.readLine()).isEqualTo(expected);
		}
	}

	private void start(Object handler) {
		this.server = newServer();
		this.server.bindHandler(handler, "handler");
		assertThat(this.server.listen()).isTrue();
	}

	private QTcpServer newServer() {
		return new QTcpServer("loop", TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(),
				(event) -> {
				}, this.workers.executor(), List.of());
	}

	private TcpTestClient connect() throws IOException {
		TcpTestClient client = TcpTestClient.connect(this.server.serverPort());
		this.clients.add(client);
		return client;
	}

	private static String where() {
		return Schedulers.isInNonBlockingThread() ? "loop" : "worker";
	}

	@QtHandler(server = "loop")
	@NonBlocking
	static class LoopEcho {

		final List<String> threads = new CopyOnWriteArrayList<>();

		@OnConnect
		void connected() {
			this.threads.add("connect:" + where());
		}

		@OnMessage
		String echo(String line) {
			if (this.threads.size() < 2) {
				this.threads.add("message:" + where());
			}
			return line;
		}

		@OnDisconnect
		void disconnected() {
			this.threads.add("disconnect:" + where());
		}

	}

	@QtHandler(server = "loop")
	@NonBlocking
	static class StreamingLoopHandler {

		@OnMessage
		Flux<String> split(String line) {
			return Flux.just(line.split(","));
		}

	}

	@QtHandler(server = "loop")
	@NonBlocking
	static class DoublingLoopHandler {

		@OnMessage
		Flux<String> twice(String line) {
			return Flux.just(line, line);
		}

	}

	@QtHandler(server = "loop")
	static class ScalarReplies {

		@OnMessage
		Mono<String> reply(String line) {
			if (line.startsWith("skip")) {
				return Mono.empty();
			}
			if (line.startsWith("fail")) {
				return Mono.error(new IOException(line));
			}
			return Mono.just(line);
		}

		@OnError
		String failed(Throwable error) {
			return "error: " + error.getClass().getSimpleName() + " " + error.getMessage();
		}

	}

	@QtHandler(server = "loop")
	@Blocking
	static class BlockingScalarReplies extends ScalarReplies {

	}

}
