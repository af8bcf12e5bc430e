package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.Blocking;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnError;
import dev.qtserver.handler.OnMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under Reactor's BlockHound, a handler method placed on the event loop that blocks fails
 * with BlockHound's error, while the same call on a worker is fine, and the server's own
 * event-loop path (placement, ordering, replies) blocks nowhere. Runs in its own JVM (the
 * {@code blockhound} surefire execution, with {@code blockhound.argLine}).
 */
class NonBlockingHandlerBlockHoundTests {

	private final WorkerPool workers = WorkerPool.platformThreads(4, "blockhound-worker-");

	private QTcpServer server;

	private TcpTestClient client;

	@BeforeAll
	static void installBlockHound() {
		BlockHound.install();
	}

	@AfterEach
	void tearDown() throws IOException {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.shutdown(Duration.ofSeconds(2));
		}
		this.workers.close();
	}

	@Test
	void whenANonBlockingHandlerSleepsThenBlockHoundCatchesIt() throws IOException {
		connect(new SleepingOnTheLoop());
		this.client.sendLine("hello");
		assertThat(this.client.readLine()).startsWith("error:BlockingOperationError")
			.contains("java.lang.Thread.sleep");
	}

	@Test
	void whenABlockingHandlerSleepsThenItRunsOnAWorkerAndBlockHoundLetsIt() throws IOException {
		connect(new SleepingOnAWorker());
		this.client.sendLine("hello");
		assertThat(this.client.readLine()).isEqualTo("re:hello");
	}

	@Test
	void whenMonoRepliesRunOnTheEventLoopThenNothingBlocks() throws IOException {
		connect(new MonoEcho());
		StringBuilder burst = new StringBuilder();
		for (int i = 0; i < 500; i++) {
			burst.append(i).append('\n');
		}
		this.client.send(burst.toString());
		for (int i = 0; i < 500; i++) {
			assertThat(this.client.readLine()).isEqualTo("re:" + i);
		}
	}

	private void connect(Object handler) throws IOException {
		this.server = new QTcpServer("blockhound",
				TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, this.workers.executor(), List.of());
		this.server.bindHandler(handler, "handler");
		assertThat(this.server.listen()).isTrue();
		this.client = TcpTestClient.connect(this.server.serverPort());
	}

	static class SleepingOnTheLoop {

		@OnMessage
		@NonBlocking
		String echo(String text) throws InterruptedException {
			Thread.sleep(1);
			return "re:" + text;
		}

		@OnError
		String error(Throwable error) {
			return "error:" + error.getClass().getSimpleName() + " " + error.getMessage();
		}

	}

	static class SleepingOnAWorker {

		@OnMessage
		@Blocking
		Mono<String> echo(String text) throws InterruptedException {
			Thread.sleep(1);
			return Mono.just("re:" + text);
		}

	}

	static class MonoEcho {

		@OnMessage
		Mono<String> echo(String text) {
			return Mono.just("re:" + text);
		}

	}

}
