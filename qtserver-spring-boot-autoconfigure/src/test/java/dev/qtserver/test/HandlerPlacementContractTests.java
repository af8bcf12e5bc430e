package dev.qtserver.test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.core.BlockedThreadChecker;
import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.Blocking;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnError;
import dev.qtserver.handler.OnMessage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Where handler methods run, for every server kind: each method where its signature, its
 * annotations or the application's rule put it, and one connection's calls in order
 * whatever mix of threads they need. A kind's subclass names its {@link ServerKind}.
 */
public abstract class HandlerPlacementContractTests extends AbstractServerContractTests {

	/** Prefix of the worker threads' names. */
	protected static final String WORKER_PREFIX = "placement-worker-";

	private static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * Create the contract's fixture, on four workers.
	 * @param kind the kind of server under test
	 */
	protected HandlerPlacementContractTests(ServerKind kind) {
		super(kind, WorkerPool.platformThreads(4, WORKER_PREFIX));
	}

	@Test
	void whenMethodsAreSynchronousThenTheyRunOnAWorker() throws IOException {
		assertThreads(new Sync(), HandlerExecution.AUTO, "connect:worker", "message:worker", "disconnect:worker");
	}

	@Test
	void whenMethodsReturnAMonoThenTheyRunOnTheEventLoop() throws IOException {
		assertThreads(new Reactive(), HandlerExecution.AUTO, "connect:loop", "message:loop", "disconnect:loop");
	}

	@Test
	void whenTheMessageMethodReturnsACompletionStageThenItRunsOnTheEventLoop() throws IOException {
		assertThreads(new Staged(), HandlerExecution.AUTO, "connect:worker", "message:loop", "disconnect:worker");
	}

	@Test
	void whenAMonoMethodIsBlockingThenItRunsOnAWorker() throws IOException {
		assertThreads(new BlockingMono(), HandlerExecution.AUTO, "connect:loop", "message:worker", "disconnect:loop");
	}

	@Test
	void whenASynchronousMethodIsNonBlockingThenItRunsOnTheEventLoop() throws IOException {
		assertThreads(new NonBlockingSync(), HandlerExecution.AUTO, "connect:worker", "message:loop",
				"disconnect:worker");
	}

	@Test
	void whenTheClassIsNonBlockingAndAMethodBlockingThenOnlyThatMethodRunsOnAWorker() throws IOException {
		assertThreads(new NonBlockingClassBlockingMethod(), HandlerExecution.AUTO, "connect:loop", "message:worker",
				"disconnect:loop");
	}

	@Test
	void whenTheRuleIsEventLoopThenSynchronousMethodsRunOnTheEventLoopUnlessBlocking() throws IOException {
		assertThreads(new SyncWithBlockingDisconnect(), HandlerExecution.EVENT_LOOP, "connect:loop", "message:loop",
				"disconnect:worker");
	}

	@Test
	void whenTheRuleIsWorkerThenMonoMethodsRunOnAWorkerUnlessNonBlocking() throws IOException {
		assertThreads(new ReactiveWithNonBlockingConnect(), HandlerExecution.WORKER, "connect:loop", "message:worker",
				"disconnect:worker");
	}

	@Test
	void whenPlacementsMixThenOneConnectionsCallsStayInOrder() throws IOException {
		Mixed handler = new Mixed();
		QtServer server = start(handler, HandlerExecution.AUTO);
		int count = 2000;
		MessageClient client = connect(server);
		List<String> messages = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			messages.add("m" + i);
		}
		client.sendAll(messages);
		for (String message : messages) {
			assertThat(client.receive()).isEqualTo("re:" + message);
		}
		client.close();
		await().atMost(WAIT).until(() -> handler.timeline.size() == count + 2);
		List<String> expected = new ArrayList<>();
		expected.add("connect:worker");
		messages.forEach((message) -> expected.add(message + ":loop"));
		expected.add("disconnect:worker");
		assertThat(handler.timeline).containsExactlyElementsOf(expected);
	}

	@Test
	void whenANonBlockingMethodReturnsAFluxThenItsItemsAreWrittenInOrder() throws IOException {
		MessageClient client = connect(start(new NonBlockingFlux(), HandlerExecution.AUTO));
		client.sendAll(List.of("a,b,c", "d"));
		assertThat(List.of(client.receive(), client.receive(), client.receive(), client.receive())).containsExactly("a",
				"b", "c", "d");
	}

	@Test
	void whenAnEventLoopReplyFailsLaterThenOnErrorRunsOnItsWorkerBeforeTheNextMessage() throws IOException {
		FailingLater handler = new FailingLater();
		MessageClient client = connect(start(handler, HandlerExecution.AUTO));
		try (LogCapture log = LogCapture.of(dev.qtserver.handler.AnnotatedMessageFlow.class)) {
			client.sendAll(List.of("fail", "next"));
			assertThat(client.receive()).isEqualTo("error:boom");
			assertThat(client.receive()).isEqualTo("re:next");
			assertThat(handler.timeline).containsExactly("fail:loop", "error:worker", "next:loop");
			assertThat(log.messages()).isEmpty();
		}
	}

	@Test
	void whenAnEventLoopCallRunsTooLongThenAWarningNamesTheMethodWithTheThreadsStack() throws IOException {
		try (BlockedThreadChecker checker = BlockedThreadChecker.start(Duration.ofMillis(100));
				LogCapture log = LogCapture.of(BlockedThreadChecker.class)) {
			MessageClient client = connect(start(new Sleepy(), HandlerExecution.AUTO));
			client.sendAll(List.of("slow"));
			assertThat(client.receive()).isEqualTo("re:slow");
			await().atMost(WAIT).until(() -> !log.messages().isEmpty());
			assertThat(log.messages()).singleElement()
				.satisfies((message) -> assertThat(message).startsWith("WARN ")
					.contains("Sleepy.slow(String)")
					.contains("@Blocking"));
			assertThat(log.stacks()).singleElement().satisfies((stack) -> assertThat(stack).contains("Thread.sleep"));
		}
	}

	@Test
	void whenAWorkerCallRunsLongThenNoWarning() throws IOException {
		try (BlockedThreadChecker checker = BlockedThreadChecker.start(Duration.ofMillis(50));
				LogCapture log = LogCapture.of(BlockedThreadChecker.class)) {
			MessageClient client = connect(start(new BlockingSleepy(), HandlerExecution.AUTO));
			client.sendAll(List.of("slow"));
			assertThat(client.receive()).isEqualTo("re:slow");
			assertThat(log.messages()).isEmpty();
		}
	}

	@Test
	void whenAMethodIsBothBlockingAndNonBlockingThenBindingFailsNamingIt() {
		QtServer server = create();
		assertThatExceptionOfType(InvalidHandlerException.class)
			.isThrownBy(() -> server.bindHandler(new Confused(), "confused", HandlerExecution.AUTO))
			.withMessageContaining("Confused.echo(String)")
			.withMessageContaining("both @Blocking and @NonBlocking");
	}

	private void assertThreads(Recording handler, HandlerExecution rule, String... expected) throws IOException {
		MessageClient client = connect(start(handler, rule));
		client.sendAll(List.of("hello"));
		assertThat(client.receive()).isEqualTo("re:hello");
		client.close();
		await().atMost(WAIT).until(() -> handler.timeline.size() == expected.length);
		assertThat(handler.timeline).containsExactly(expected);
	}

	/**
	 * Where the calling handler method runs.
	 * @return {@code loop}, {@code worker}, or the thread's name when neither
	 */
	static String where() {
		if (Schedulers.isInNonBlockingThread()) {
			return "loop";
		}
		String name = Thread.currentThread().getName();
		return name.startsWith(WORKER_PREFIX) ? "worker" : name;
	}

	/** Records where each call ran. */
	abstract static class Recording {

		final List<String> timeline = new CopyOnWriteArrayList<>();

		void record(String call) {
			this.timeline.add(call + ":" + where());
		}

	}

	static class Sync extends Recording {

		@OnConnect
		void hello() {
			record("connect");
		}

		@OnMessage
		String echo(String text) {
			record("message");
			return "re:" + text;
		}

		@OnDisconnect
		void bye() {
			record("disconnect");
		}

	}

	static class Reactive extends Recording {

		@OnConnect
		Mono<Void> hello() {
			record("connect");
			return Mono.empty();
		}

		@OnMessage
		Mono<String> echo(String text) {
			record("message");
			return Mono.just("re:" + text);
		}

		@OnDisconnect
		Mono<Void> bye() {
			record("disconnect");
			return Mono.empty();
		}

	}

	static class Staged extends Recording {

		@OnConnect
		void hello() {
			record("connect");
		}

		@OnMessage
		CompletionStage<String> echo(String text) {
			record("message");
			return CompletableFuture.supplyAsync(() -> "re:" + text);
		}

		@OnDisconnect
		void bye() {
			record("disconnect");
		}

	}

	static class BlockingMono extends Reactive {

		@Override
		@OnMessage
		@Blocking
		Mono<String> echo(String text) {
			return super.echo(text);
		}

	}

	static class NonBlockingSync extends Sync {

		@Override
		@OnMessage
		@NonBlocking
		String echo(String text) {
			return super.echo(text);
		}

	}

	@NonBlocking
	static class NonBlockingClassBlockingMethod extends Sync {

		@Override
		@OnMessage
		@Blocking
		String echo(String text) {
			return super.echo(text);
		}

	}

	static class SyncWithBlockingDisconnect extends Sync {

		@Override
		@OnDisconnect
		@Blocking
		void bye() {
			super.bye();
		}

	}

	static class ReactiveWithNonBlockingConnect extends Reactive {

		@Override
		@OnConnect
		@NonBlocking
		Mono<Void> hello() {
			return super.hello();
		}

	}

	/**
	 * Connect on a worker, slow enough that messages queue behind it; messages on the
	 * event loop, every third reply completing later on another thread; disconnect on a
	 * worker.
	 */
	static class Mixed {

		final List<String> timeline = new CopyOnWriteArrayList<>();

		private int count;

		@OnConnect
		void hello() throws InterruptedException {
			Thread.sleep(50);
			this.timeline.add("connect:" + where());
		}

		@OnMessage
		Mono<String> echo(String text) {
			this.timeline.add(text + ":" + where());
			Mono<String> reply = Mono.just("re:" + text);
			return (++this.count % 3 == 0) ? reply.publishOn(Schedulers.parallel()) : reply;
		}

		@OnDisconnect
		void bye() {
			this.timeline.add("disconnect:" + where());
		}

	}

	@NonBlocking
	static class NonBlockingFlux {

		@OnMessage
		Flux<String> split(String text) {
			return Flux.fromArray(text.split(",")).delayElements(Duration.ofMillis(5));
		}

	}

	static class FailingLater {

		final List<String> timeline = new CopyOnWriteArrayList<>();

		@OnMessage
		Mono<String> echo(String text) {
			this.timeline.add(text + ":" + where());
			if (text.equals("fail")) {
				return Mono.delay(Duration.ofMillis(20)).then(Mono.error(new IllegalStateException("boom")));
			}
			return Mono.just("re:" + text);
		}

		@OnError
		String error(Throwable error) {
			this.timeline.add("error:" + where());
			return "error:" + error.getMessage();
		}

	}

	static class Sleepy {

		@OnMessage
		@NonBlocking
		String slow(String text) throws InterruptedException {
			Thread.sleep(400);
			return "re:" + text;
		}

	}

	static class BlockingSleepy {

		@OnMessage
		@Blocking
		Mono<String> slow(String text) throws InterruptedException {
			Thread.sleep(200);
			return Mono.just("re:" + text);
		}

	}

	static class Confused {

		@OnMessage
		@Blocking
		@NonBlocking
		String echo(String text) {
			return text;
		}

	}

}
