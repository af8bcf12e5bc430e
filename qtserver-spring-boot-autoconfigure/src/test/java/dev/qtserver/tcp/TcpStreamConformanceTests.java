package dev.qtserver.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.ConnectionErrorEvent;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.Netcat;
import dev.qtserver.test.StreamClient;
import dev.qtserver.test.StreamClient.Chunking;
import dev.qtserver.test.StreamClient.Ending;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream path loses nothing: every frame a client sent before it half-closed is
 * handled and answered, in order, before the connection closes, whatever the number of
 * frames, the way the bytes were split into writes, the framing, where the handler runs
 * and how fast it is; and a client that closes or resets mid-stream leaves no warning, no
 * leak and exactly one {@code @OnDisconnect}, after the last message.
 *
 * <p>
 * Counts sit at the edges of the flow's read-ahead ({@value #PREFETCH} messages) and far
 * past it. Random splits come from a seed printed with every failure; set
 * {@code -Dqtserver.test.seed=N} to replay one.
 */
@ExtendWith(OutputCaptureExtension.class)
class TcpStreamConformanceTests {

	private static final int PREFETCH = dev.qtserver.handler.AnnotatedMessageFlow.PREFETCH;

	private static final long SEED = Long.getLong("qtserver.test.seed", 20261130L);

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Frames far past every limit: for lines, as the issue asks; see
	 * {@link #counts(TcpFraming)}.
	 */
	private static final int MANY = 100_000;

	/** A multi-byte delimiter, so that a split can fall inside it. */
	private static final String DELIMITER = "\r\n--\r\n";

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private WorkerPool workers;

	/** Where this test's output starts: the capture holds the whole class's. */
	private int outputStart;

	@BeforeEach
	void createWorkers(CapturedOutput output) {
		this.outputStart = output.getAll().length();
		this.workers = WorkerPool.platformThreads(8, "stream-worker-");
	}

	@AfterEach
	void shutdown() {
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	static Stream<Arguments> halfCloseCases() {
		List<Arguments> cases = new ArrayList<>();
		for (TcpFraming framing : TcpFraming.values()) {
			for (Execution execution : Execution.values()) {
				for (int count : counts(framing)) {
					for (Chunking chunking : Chunking.values()) {
						if (!worthRunning(count, chunking)) {
							continue;
						}
						cases.add(Arguments.of(framing, execution, count, chunking, false));
						if (count <= 1000 && chunking != Chunking.BYTE_BY_BYTE) {
							cases.add(Arguments.of(framing, execution, count, chunking, true));
						}
					}
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2} frames {3} slow={4}")
	@MethodSource("halfCloseCases")
	void whenClientHalfClosesThenEveryFrameIsAnsweredInOrderBeforeTheClose(TcpFraming framing, Execution execution,
			int count, Chunking chunking, boolean slow, CapturedOutput output) throws Exception {
		long seed = seedFor(framing, execution, count, chunking, slow);
		Recorder recorder = new Recorder(slow, execution);
		QTcpServer server = start(framing, execution.handler(framing, recorder));
		byte[] request = encode(framing, messages(count, new Random(seed)));
		byte[] reply;
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			client.send(request, chunking, new Random(seed), Ending.HALF_CLOSE);
			reply = client.awaitEndOfStream(WAIT);
		}
		assertSameStream(reply, request, seed);
		waiting().until(() -> recorder.disconnects() == 1);
		assertThat(recorder.messagesAfterDisconnect()).isZero();
		assertThat(recorder.messagesBeforeConnect()).isZero();
		if (framing != TcpFraming.RAW) {
			assertThat(recorder.messages()).isEqualTo(count);
		}
		assertNoWarnings(output);
	}

	static Stream<Arguments> netcatCases() {
		List<Arguments> cases = new ArrayList<>();
		for (Execution execution : Execution.values()) {
			for (int count : counts(TcpFraming.LINE)) {
				cases.add(Arguments.of(execution, count));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} lines")
	@MethodSource("netcatCases")
	void whenNetcatHalfClosesThenItGetsEveryLineBack(Execution execution, int count, CapturedOutput output)
			throws Exception {
		Recorder recorder = new Recorder(false, execution);
		QTcpServer server = start(TcpFraming.LINE, execution.handler(TcpFraming.LINE, recorder));
		byte[] request = encode(TcpFraming.LINE, messages(count, new Random(SEED)));
		assertSameStream(Netcat.halfCloseExchange(server.serverPort(), request, WAIT), request, SEED);
		waiting().until(() -> recorder.disconnects() == 1);
		assertThat(recorder.messages()).isEqualTo(count);
		assertThat(recorder.outOfOrder()).isZero();
		assertNoWarnings(output);
	}

	static Stream<Arguments> pendingCases() {
		List<Arguments> cases = new ArrayList<>();
		for (TcpFraming framing : TcpFraming.values()) {
			for (int count : counts(framing)) {
				for (Chunking chunking : Chunking.values()) {
					if (worthRunning(count, chunking)) {
						cases.add(Arguments.of(framing, count, chunking));
					}
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} frames {2}")
	@MethodSource("pendingCases")
	void whenPendingConnectionIsReadThenReceiveCompletesOnlyAfterEveryFrameBeforeTheFin(TcpFraming framing, int count,
			Chunking chunking, CapturedOutput output) throws Exception {
		long seed = seedFor(framing, Execution.WORKER, count, chunking, false);
		QTcpServer server = start(framing, null);
		byte[] request = encode(framing, messages(count, new Random(seed)));
		byte[] reply;
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			waiting().until(server::hasPendingConnections);
			QTcpSocket socket = server.nextPendingConnection();
			assertThat(socket).isNotNull();
			// echo each frame as it comes; close once the peer is done, after the last
			// echo
			socket.receive().doOnNext(socket::send).doOnComplete(socket::close).subscribe();
			client.send(request, chunking, new Random(seed), Ending.HALF_CLOSE);
			reply = client.awaitEndOfStream(WAIT);
		}
		assertSameStream(reply, request, seed);
		assertNoWarnings(output);
	}

	static Stream<Arguments> abruptEndCases() {
		List<Arguments> cases = new ArrayList<>();
		for (Ending ending : List.of(Ending.CLOSE, Ending.RESET)) {
			for (Execution execution : Execution.values()) {
				for (int count : List.of(1, PREFETCH, PREFETCH + 1, 1000, 100_000)) {
					cases.add(Arguments.of(ending, execution, count));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2} frames")
	@MethodSource("abruptEndCases")
	void whenClientClosesOrResetsMidStreamThenOnDisconnectRunsOnceAfterTheLastMessageAndOthersKeepServing(Ending ending,
			Execution execution, int count, CapturedOutput output) throws Exception {
		Recorder recorder = new Recorder(false, execution);
		QTcpServer server = start(TcpFraming.LINE, execution.handler(TcpFraming.LINE, recorder));
		byte[] request = encode(TcpFraming.LINE, messages(count, new Random(SEED)));
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			client.send(request, Chunking.ONE_WRITE, new Random(SEED), ending);
		}
		waiting().until(() -> recorder.disconnects() == 1);
		assertThat(recorder.messagesAfterDisconnect()).isZero();
		assertThat(recorder.messages()).isLessThanOrEqualTo(count);
		assertThat(recorder.outOfOrder()).isZero();
		waiting().until(() -> server.connectionCount() == 0);
		// the server and other connections are unaffected
		byte[] probe = encode(TcpFraming.LINE, messages(PREFETCH + 1, new Random(SEED)));
		try (StreamClient other = StreamClient.connect(server.serverPort())) {
			other.send(probe, Chunking.ONE_WRITE, new Random(SEED), Ending.HALF_CLOSE);
			assertSameStream(other.awaitEndOfStream(WAIT), probe, SEED);
		}
		waiting().until(() -> recorder.disconnects() == 2);
		assertNoWarnings(output);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(names = { "WORKER", "EVENT_LOOP" })
	void whenAHalfClosedClientReadsLateThenLargeRepliesThatMustWaitForRoomArriveWhole(Execution execution,
			CapturedOutput output) throws Exception {
		// the replies are written only after the FIN was handled, and each needs several
		// times the socket buffers: every write must wait for the client to make room
		BigReplies handler = (execution == Execution.WORKER) ? new BigReplies() : new NonBlockingBigReplies();
		QTcpServer server = start(TcpFraming.LINE, handler);
		byte[] reply;
		try (StreamClient client = StreamClient.connectNotReading(server.serverPort())) {
			client.send("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII), Chunking.ONE_WRITE, new Random(SEED),
					Ending.HALF_CLOSE);
			waiting().until(() -> handler.answered.get() == 3);
			client.startReading();
			reply = client.awaitEndOfStream(WAIT);
		}
		String expected = BigReplies.reply("a") + "\n" + BigReplies.reply("b") + "\n" + BigReplies.reply("c") + "\n";
		assertSameStream(reply, expected.getBytes(StandardCharsets.US_ASCII), SEED);
		assertNoWarnings(output);
	}

	@Test
	void whenAHalfClosedClientWaitsLongerThanTheIdleTimeoutForItsRepliesThenItStillGetsThemAll(CapturedOutput output)
			throws Exception {
		Recorder recorder = new Recorder(false, Execution.WORKER);
		QTcpServer server = start(
				TcpServerSettings.builder().framing(TcpFraming.LINE).idleTimeout(Duration.ofMillis(200)),
				new SlowTextEcho(recorder, Duration.ofMillis(50)));
		byte[] request = encode(TcpFraming.LINE, messages(20, new Random(SEED)));
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			// twenty slow answers take five idle timeouts: the peer's silence after its
			// FIN is not idleness
			client.send(request, Chunking.ONE_WRITE, new Random(SEED), Ending.HALF_CLOSE);
			assertSameStream(client.awaitEndOfStream(WAIT), request, SEED);
		}
		assertNoWarnings(output);
	}

	@Test
	void whenAPendingConnectionsReaderHasEndedAndThePeerResetsThenTheErrorIsAnEventAndTheConnectionCloses(
			CapturedOutput output) throws Exception {
		QTcpServer server = start(TcpFraming.LINE, null);
		List<String> seen = new CopyOnWriteArrayList<>();
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			waiting().until(server::hasPendingConnections);
			QTcpSocket socket = server.nextPendingConnection();
			assertThat(socket).isNotNull();
			socket.receiveText().take(1).subscribe(seen::add);
			client.send("a\nb\n".getBytes(StandardCharsets.US_ASCII), Chunking.ONE_WRITE, new Random(SEED),
					Ending.RESET);
		}
		waiting().until(() -> server.connectionCount() == 0);
		assertThat(seen).containsExactly("a");
		waiting().untilAsserted(() -> assertThat(this.events).filteredOn(ConnectionErrorEvent.class::isInstance)
			.singleElement()
			.satisfies(
					(event) -> assertThat(((ConnectionErrorEvent) event).getError()).isInstanceOf(IOException.class)));
		assertNoWarnings(output);
	}

	/**
	 * The frame counts: the edges of the read-ahead, and many. Under the paranoid leak
	 * detector every frame costs a tracked buffer (and the delimiter decoder a recorded
	 * access per byte), so {@value #MANY} frames run for lines, the default framing, and
	 * ten thousand for the others.
	 */
	private static List<Integer> counts(TcpFraming framing) {
		int many = (framing == TcpFraming.LINE) ? MANY : 10_000;
		return List.of(1, PREFETCH - 1, PREFETCH, PREFETCH + 1, 1000, many);
	}

	/**
	 * One byte per write up to a thousand frames; past that, one write or random splits.
	 */
	private static boolean worthRunning(int count, Chunking chunking) {
		return chunking != Chunking.BYTE_BY_BYTE || count <= 1000;
	}

	private QTcpServer start(TcpFraming framing, Object handler) {
		return start(TcpServerSettings.builder().framing(framing), handler);
	}

	private QTcpServer start(TcpServerSettings.Builder settings, Object handler) {
		QTcpServer server = new QTcpServer("stream",
				settings.address(InetAddress.getLoopbackAddress()).port(0).delimiter(DELIMITER).build(),
				this.events::add, this.workers.executor(), List.of());
		this.servers.add(server);
		if (handler != null) {
			server.bindHandler(handler, "handler");
		}
		assertThat(server.listen()).isTrue();
		return server;
	}

	private static ConditionFactory waiting() {
		return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
	}

	private static long seedFor(Object... parameters) {
		return SEED * 31 + List.of(parameters).toString().hashCode();
	}

	/**
	 * Messages of varied length; their text tells their index, so a gap or a swap is
	 * visible.
	 */
	private static List<String> messages(int count, Random random) {
		List<String> messages = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			messages.add(i + ":" + "x".repeat(random.nextInt(40)));
		}
		return messages;
	}

	private static byte[] encode(TcpFraming framing, List<String> messages) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (String message : messages) {
			byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
			switch (framing) {
				case LINE -> out.writeBytes((message + "\n").getBytes(StandardCharsets.UTF_8));
				case DELIMITER -> out.writeBytes((message + DELIMITER).getBytes(StandardCharsets.UTF_8));
				case LENGTH_FIELD -> {
					out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
					out.writeBytes(bytes);
				}
				case RAW -> out.writeBytes(bytes);
			}
		}
		return out.toByteArray();
	}

	/**
	 * An echo answers each frame framed as it came, so the reply stream equals the
	 * request stream.
	 */
	private static void assertSameStream(byte[] reply, byte[] request, long seed) {
		int mismatch = mismatch(reply, request);
		assertThat(mismatch)
			.as("seed %d: %d of %d bytes came back; first difference at byte %d, near \"%s\"", seed, reply.length,
					request.length, mismatch, excerpt(request, mismatch))
			.isEqualTo(-1);
	}

	private static int mismatch(byte[] actual, byte[] expected) {
		int common = Math.min(actual.length, expected.length);
		for (int i = 0; i < common; i++) {
			if (actual[i] != expected[i]) {
				return i;
			}
		}
		return (actual.length == expected.length) ? -1 : common;
	}

	private static String excerpt(byte[] bytes, int at) {
		if (at < 0) {
			return "";
		}
		int from = Math.max(0, at - 20);
		int to = Math.min(bytes.length, at + 20);
		return new String(bytes, from, to - from, StandardCharsets.UTF_8).replace("\n", "\\n").replace("\r", "\\r");
	}

	private void assertNoWarnings(CapturedOutput output) {
		assertThat(output.getAll().substring(this.outputStart)).doesNotContain("post termination")
			.doesNotContain(" WARN ")
			.doesNotContain(" ERROR ");
	}

	/** Where the handler runs. */
	enum Execution {

		/** A plain handler: on the connection's worker. */
		WORKER,

		/** A {@link NonBlocking} handler: on the event loop. */
		EVENT_LOOP,

		/**
		 * Placed by signature, on both threads: {@code @OnConnect} and
		 * {@code @OnDisconnect} on the worker, {@code @OnMessage} returning a
		 * {@code Mono} on the event loop, every third one completing later on another
		 * thread.
		 */
		MIXED,

		/**
		 * A {@link NonBlocking} {@code ByteBuffer} echo, every framing: messages handled
		 * on views of their frames, each sent back as its frame.
		 */
		EVENT_LOOP_VIEW,

		/**
		 * As {@link #MIXED}, with a {@code Mono<ByteBuffer>} of the view: every third
		 * view is sent back later from another thread, its frame kept until then.
		 */
		MIXED_VIEW;

		Object handler(TcpFraming framing, Recorder recorder) {
			boolean text = framing == TcpFraming.LINE || framing == TcpFraming.DELIMITER;
			return switch (this) {
				case WORKER -> text ? new TextEcho(recorder) : new BytesEcho(recorder);
				case EVENT_LOOP -> text ? new NonBlockingTextEcho(recorder) : new NonBlockingBytesEcho(recorder);
				case MIXED -> text ? new MixedTextEcho(recorder) : new MixedBytesEcho(recorder);
				case EVENT_LOOP_VIEW -> new NonBlockingBufferEcho(recorder);
				case MIXED_VIEW -> new MixedBufferEcho(recorder);
			};
		}

	}

	/** What a handler saw, per connection, in the order it saw it. */
	static final class Recorder {

		private final boolean slow;

		private final Execution execution;

		private final Map<Long, Integer> nextIndex = new HashMap<>();

		private final Set<Long> disconnected = new HashSet<>();

		private int messages;

		private int messagesAfterDisconnect;

		private int outOfOrder;

		private final Set<Long> connected = new HashSet<>();

		private int messagesBeforeConnect;

		Recorder(boolean slow, Execution execution) {
			this.slow = slow;
			this.execution = execution;
		}

		void message(QTcpSocket socket, String text) {
			synchronized (this) {
				if (this.disconnected.contains(socket.id())) {
					this.messagesAfterDisconnect++;
				}
				boolean mixed = this.execution == Execution.MIXED || this.execution == Execution.MIXED_VIEW;
				if (mixed && !this.connected.contains(socket.id())) {
					this.messagesBeforeConnect++;
				}
				int expected = this.nextIndex.merge(socket.id(), 1, Integer::sum) - 1;
				if (!text.startsWith(expected + ":")) {
					this.outOfOrder++;
				}
				this.messages++;
			}
			if (this.slow && ThreadLocalRandom.current().nextInt(50) == 0) {
				pause();
			}
		}

		synchronized void disconnected(QTcpSocket socket) {
			this.disconnected.add(socket.id());
		}

		synchronized void connected(QTcpSocket socket) {
			this.connected.add(socket.id());
		}

		/** Messages handled before their connection's {@code @OnConnect} ran. */
		synchronized int messagesBeforeConnect() {
			return this.messagesBeforeConnect;
		}

		synchronized int messages() {
			return this.messages;
		}

		synchronized int disconnects() {
			return this.disconnected.size();
		}

		synchronized int messagesAfterDisconnect() {
			return this.messagesAfterDisconnect;
		}

		/**
		 * Messages whose index was not the next of their connection (meaningful for
		 * framed streams).
		 */
		synchronized int outOfOrder() {
			return this.outOfOrder;
		}

		/**
		 * A slow call: the worker sleeps; the event loop, which must not sleep, spins.
		 */
		private void pause() {
			if (this.execution == Execution.WORKER) {
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			else {
				long until = System.nanoTime() + 200_000;
				while (System.nanoTime() < until) {
					Thread.onSpinWait();
				}
			}
		}

	}

	/** What every echo here does besides its messages: tell the recorder of the end. */
	abstract static class RecordingEcho {

		final Recorder recorder;

		RecordingEcho(Recorder recorder) {
			this.recorder = recorder;
		}

		@OnDisconnect
		void bye(QTcpSocket socket) {
			this.recorder.disconnected(socket);
		}

	}

	static class TextEcho extends RecordingEcho {

		TextEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		String echo(String text, QTcpSocket socket) {
			this.recorder.message(socket, text);
			return text;
		}

	}

	static class BytesEcho extends RecordingEcho {

		BytesEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		byte[] echo(byte[] bytes, QTcpSocket socket) {
			this.recorder.message(socket, new String(bytes, StandardCharsets.UTF_8));
			return bytes;
		}

	}

	@NonBlocking
	static class NonBlockingTextEcho extends TextEcho {

		NonBlockingTextEcho(Recorder recorder) {
			super(recorder);
		}

	}

	@NonBlocking
	static class NonBlockingBytesEcho extends BytesEcho {

		NonBlockingBytesEcho(Recorder recorder) {
			super(recorder);
		}

	}

	/** Echoes each message's view as it is: the frame goes back. */
	@NonBlocking
	static class NonBlockingBufferEcho extends RecordingEcho {

		NonBlockingBufferEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		ByteBuffer echo(ByteBuffer view, QTcpSocket socket) {
			this.recorder.message(socket, text(view));
			return view;
		}

	}

	/**
	 * Answers each line with a four-megabyte reply, after a pause: the FIN is handled
	 * first.
	 */
	static class BigReplies {

		private static final int SIZE = 4 * 1024 * 1024;

		final AtomicInteger answered = new AtomicInteger();

		static String reply(String line) {
			return line.repeat(SIZE);
		}

		@OnMessage
		String answer(String line) throws InterruptedException {
			Thread.sleep(100);
			this.answered.incrementAndGet();
			return reply(line);
		}

	}

	@NonBlocking
	static class NonBlockingBigReplies extends BigReplies {

	}

	/** An echo that takes its time over every message. */
	static class SlowTextEcho {

		private final Recorder recorder;

		private final Duration pause;

		SlowTextEcho(Recorder recorder, Duration pause) {
			this.recorder = recorder;
			this.pause = pause;
		}

		@OnMessage
		String echo(String text, QTcpSocket socket) throws InterruptedException {
			Thread.sleep(this.pause.toMillis());
			this.recorder.message(socket, text);
			return text;
		}

	}

	/**
	 * Placed by signature: connect and disconnect on the worker, messages on the event
	 * loop, every third reply completing on another thread.
	 */
	abstract static class MixedEcho extends RecordingEcho {

		private int count;

		MixedEcho(Recorder recorder) {
			super(recorder);
		}

		@OnConnect
		void hello(QTcpSocket socket) {
			this.recorder.connected(socket);
		}

		/** Record a message and return its reply, now or later. */
		<T> Mono<T> answer(QTcpSocket socket, String text, T reply) {
			this.recorder.message(socket, text);
			return later(reply, ++this.count);
		}

	}

	static class MixedTextEcho extends MixedEcho {

		MixedTextEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		Mono<String> echo(String text, QTcpSocket socket) {
			return answer(socket, text, text);
		}

	}

	static class MixedBytesEcho extends MixedEcho {

		MixedBytesEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		Mono<byte[]> echo(byte[] bytes, QTcpSocket socket) {
			return answer(socket, new String(bytes, StandardCharsets.UTF_8), bytes);
		}

	}

	/** The view itself is the reply, maybe later. */
	static class MixedBufferEcho extends MixedEcho {

		MixedBufferEcho(Recorder recorder) {
			super(recorder);
		}

		@OnMessage
		Mono<ByteBuffer> echo(ByteBuffer view, QTcpSocket socket) {
			return answer(socket, text(view), view);
		}

	}

	/** A view's bytes as text, leaving the view as it is. */
	private static String text(ByteBuffer view) {
		return StandardCharsets.UTF_8.decode(view.duplicate()).toString();
	}

	/** A reply at once, or every third one completing later on another thread. */
	private static <T> Mono<T> later(T reply, int count) {
		Mono<T> now = Mono.just(reply);
		return (count % 3 == 0) ? now.publishOn(Schedulers.parallel()) : now;
	}

}
