package dev.qtserver.test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.ManagedConnection;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.Blocking;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What becomes of replies that are still to come when a connection ends, for every server
 * kind: none outlives the connection, whether it was running at the close or started
 * after it (for a message that was waiting its turn), on the event loop or on a worker;
 * and {@code @OnDisconnect} runs. A kind's subclass names its {@link ServerKind}.
 */
public abstract class ReplyAtCloseContractTests extends AbstractServerContractTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	/**
	 * Create the contract's fixture on one worker thread: a handler's
	 * {@code @OnDisconnect} on a worker shows that the worker a reply kept busy is free
	 * again.
	 * @param kind the kind of server under test
	 */
	protected ReplyAtCloseContractTests(ServerKind kind) {
		super(kind, WorkerPool.platformThreads(1, "close-worker-"));
	}

	@ParameterizedTest
	@EnumSource(Ending.class)
	void whenAConnectionEndsWhileAReplyHoldsAMessageBackThenThatMessagesReplyIsCancelledAndOnDisconnectRuns(
			Ending ending) throws IOException {
		assumeTrue(ending != Ending.CLIENT_CLOSES || kind().closesWithThePeer());
		EndlessOnLoop handler = new EndlessOnLoop();
		QtServer server = start(handler, HandlerExecution.AUTO);
		MessageClient client = connect(server);
		client.sendAll(List.of("first", "second"));
		// both read: the second waits behind the first's reply
		await().atMost(WAIT).untilAsserted(() -> assertThat(server.statistics().messagesReceived()).isEqualTo(2));
		ending.end(client, handler);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(handler.timeline).containsExactly("first", "first cancelled", "second",
					"second cancelled", "disconnect"));
	}

	@ParameterizedTest
	@EnumSource(Ending.class)
	void whenAConnectionEndsWhileAWorkerDrainsAnEndlessReplyThenTheReplyIsCancelledAndTheWorkerFreed(Ending ending)
			throws IOException {
		assumeTrue(ending != Ending.CLIENT_CLOSES || kind().closesWithThePeer());
		EndlessOnWorker handler = new EndlessOnWorker();
		MessageClient client = connect(start(handler, HandlerExecution.AUTO));
		client.sendAll(List.of("endless"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(handler.timeline).containsExactly("endless"));
		ending.end(client, handler);
		await().atMost(WAIT)
			.untilAsserted(
					() -> assertThat(handler.timeline).containsExactly("endless", "endless cancelled", "disconnect"));
	}

	@Test
	void whenAWorkerReplyEndsWhileTheConnectionIsOpenThenAllOfItIsWritten() throws IOException {
		MessageClient client = connect(start(new StreamOnWorker(), HandlerExecution.AUTO));
		client.sendAll(List.of("a", "b"));
		assertThat(List.of(client.receive(), client.receive(), client.receive(), client.receive()))
			.containsExactly("a1", "a2", "b1", "b2");
	}

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void whenOnDisconnectReturnsAReplyThatEndsLaterThenItIsAwaitedNotCancelled(boolean onLoop) throws IOException {
		LaterCleanup handler = onLoop ? new LaterCleanup() : new LaterCleanupOnWorker();
		MessageClient client = connect(start(handler, HandlerExecution.AUTO));
		await().atMost(WAIT).untilAsserted(() -> assertThat(handler.connection).isNotNull());
		client.reset();
		await().atMost(WAIT).untilAsserted(() -> assertThat(handler.timeline).containsExactly("cleaned up"));
	}

	/** How the connection ends. */
	enum Ending {

		/** The client closes it, with nothing of the protocol's goodbye. */
		CLIENT_CLOSES {

			@Override
			void end(MessageClient client, Recording handler) throws IOException {
				client.close();
			}

		},

		/** The client resets it. */
		CLIENT_RESETS {

			@Override
			void end(MessageClient client, Recording handler) throws IOException {
				client.reset();
			}

		},

		/** The server drops it. */
		SERVER_ABORTS {

			@Override
			void end(MessageClient client, Recording handler) {
				ManagedConnection connection = handler.connection;
				assertThat(connection).isNotNull();
				connection.abort();
			}

		};

		abstract void end(MessageClient client, Recording handler) throws IOException;

	}

	/** Records its calls, and keeps its connection so that the server may drop it. */
	abstract static class Recording {

		final List<String> timeline = new CopyOnWriteArrayList<>();

		volatile @Nullable ManagedConnection connection;

		@OnConnect
		void connected(ManagedConnection connection) {
			this.connection = connection;
		}

	}

	/** Replies to each message with a stream that never ends. */
	abstract static class Endless extends Recording {

		@OnDisconnect
		void disconnected() {
			this.timeline.add("disconnect");
		}

		/** A reply that never ends, recording the message and its cancellation. */
		Flux<String> endless(String message) {
			this.timeline.add(message);
			return Flux.<String>never().doOnCancel(() -> this.timeline.add(message + " cancelled"));
		}

	}

	/** Replies on the event loop, never completing. */
	@NonBlocking
	static class EndlessOnLoop extends Endless {

		@OnMessage
		Mono<String> message(String text) {
			return endless(text).next();
		}

	}

	/** Replies on a worker, with a stream that never ends. */
	@Blocking
	static class EndlessOnWorker extends Endless {

		@OnMessage
		Flux<String> message(String text) {
			return endless(text);
		}

	}

	/** Replies on a worker, with a stream whose items come later, from another thread. */
	@Blocking
	static class StreamOnWorker {

		@OnMessage
		Flux<String> message(String text) {
			return Flux.just(text + "1", text + "2").publishOn(Schedulers.parallel());
		}

	}

	/**
	 * Cleans up after the connection without blocking (on the event loop): the cleanup is
	 * the close's own work, not a reply the close should stop.
	 */
	static class LaterCleanup extends Recording {

		@OnDisconnect
		Mono<Void> disconnected() {
			return Mono.delay(Duration.ofMillis(50))
				.doOnCancel(() -> this.timeline.add("cleanup cancelled"))
				.then(Mono.fromRunnable(() -> this.timeline.add("cleaned up")));
		}

	}

	/** As {@link LaterCleanup}, on a worker. */
	static class LaterCleanupOnWorker extends LaterCleanup {

		@Override
		@OnDisconnect
		@Blocking
		Mono<Void> disconnected() {
			return super.disconnected();
		}

	}

}
