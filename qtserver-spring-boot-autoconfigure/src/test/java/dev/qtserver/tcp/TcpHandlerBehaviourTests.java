package dev.qtserver.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.ConnectionClosedEvent;
import dev.qtserver.event.ConnectionErrorEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.QtConnectionEvent;
import dev.qtserver.handler.AnnotatedMessageFlow;
import dev.qtserver.handler.HandlerMethodException;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnError;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.LogCapture;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a {@link QTcpServer} runs its handler over real loopback sockets: failures stay on
 * their connection, blocking handlers stay off the event loops, order holds, events and
 * handler calls interleave as documented, and the server-side connection API works.
 */
class TcpHandlerBehaviourTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	/**
	 * Handler calls and connection events of every connection, in the order they
	 * happened.
	 */
	private final List<String> timeline = new CopyOnWriteArrayList<>();

	/** Every event published, in order. */
	private final List<Object> events = new CopyOnWriteArrayList<>();

	/** The threads events were published on. */
	private final List<String> eventThreads = new CopyOnWriteArrayList<>();

	private final List<TcpTestClient> clients = new ArrayList<>();

	private WorkerPool workers;

	private QTcpServer server;

	@BeforeEach
	void createWorkers() {
		this.workers = WorkerPool.platformThreads(8, "test-worker-");
	}

	@AfterEach
	void shutdown() throws IOException {
		for (TcpTestClient client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.shutdown(Duration.ofSeconds(2));
		}
		this.workers.close();
	}

	@Test
	void whenFrameTooLongThenOnlyThatConnectionCloses() throws IOException {
		start(settings().maxFrameLength(16), new Echo(this.timeline));
		TcpTestClient victim = connect();
		TcpTestClient bystander = connect();
		assertEchoes(victim, "hi");
		assertEchoes(bystander, "hi");
		long victimId = idOf(victim);
		long bystanderId = idOf(bystander);
		victim.sendLine("x".repeat(40));
		assertThat(victim.awaitClosed(WAIT)).isTrue();
		ConnectionErrorEvent error = awaitEvent(ConnectionErrorEvent.class, victimId);
		assertThat(error.getError()).isInstanceOfSatisfying(FrameTooLongException.class,
				(ex) -> assertThat(ex.getMaxFrameLength()).isEqualTo(16));
		assertThat(awaitEvent(ConnectionClosedEvent.class, victimId).getReason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
		assertThat(this.server.statistics().errors()).isEqualTo(1);
		assertThat(this.server.statistics().closed(CloseReason.PROTOCOL_ERROR)).isEqualTo(1);
		// a frame of exactly the limit is fine
		assertEchoes(bystander, "y".repeat(16));
		assertThat(eventsOf(ConnectionClosedEvent.class, bystanderId)).isEmpty();
		assertThat(eventsOf(ConnectionErrorEvent.class, bystanderId)).isEmpty();
	}

	@Test
	void whenLengthFieldAnnouncesFrameTooLongThenOnlyThatConnectionCloses() throws IOException {
		start(settings().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(2).maxFrameLength(16),
				new Echo(this.timeline));
		TcpTestClient victim = connect();
		TcpTestClient bystander = connect();
		long victimId = idOf(victim);
		victim.sendRaw(new byte[] { 0, 17 });
		assertThat(victim.awaitClosed(WAIT)).isTrue();
		assertThat(awaitEvent(ConnectionErrorEvent.class, victimId).getError())
			.isInstanceOf(FrameTooLongException.class);
		assertThat(awaitEvent(ConnectionClosedEvent.class, victimId).getReason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
		bystander.sendRaw(new byte[] { 0, 2, 'o', 'k' });
		assertThat(bystander.readExactly(4)).containsExactly(0, 2, 'o', 'k');
	}

	@ParameterizedTest(name = "on the event loop: {0}")
	@ValueSource(booleans = { false, true })
	void whenALengthFieldCannotBeDecodedThenOnlyThatConnectionClosesAndNothingAfterItIsRead(boolean onEventLoop)
			throws IOException {
		// an 8-byte length field may be negative: the decoder skips the field alone, so
		// what follows is no frame any more, and must not reach the handler
		EchoWithOnError handler = onEventLoop ? new NonBlockingEchoWithOnError(this.timeline)
				: new EchoWithOnError(this.timeline);
		start(settings().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(8), handler);
		TcpTestClient victim = connect();
		TcpTestClient bystander = connect();
		long victimId = idOf(victim);
		byte[] ok = { 0, 0, 0, 0, 0, 0, 0, 2, 'o', 'k' };
		byte[] negative = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
				(byte) 0xFE };
		byte[] after = { 0, 0, 0, 0, 0, 0, 0, 2, 'n', 'o' };
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(ok);
		request.writeBytes(negative);
		request.writeBytes(after);
		request.writeBytes(after);
		victim.sendRaw(request.toByteArray());
		assertThat(victim.awaitClosed(WAIT)).isTrue();
		assertThat(awaitEvent(ConnectionErrorEvent.class, victimId).getError())
			.isInstanceOf(MalformedFrameException.class);
		assertThat(awaitEvent(ConnectionClosedEvent.class, victimId).getReason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
		assertThat(this.timeline).contains("onMessage:ok#" + victimId).doesNotContain("onMessage:no#" + victimId);
		assertThat(handler.errors).singleElement().isInstanceOf(MalformedFrameException.class);
		assertThat(this.server.statistics().errors()).isEqualTo(1);
		bystander.sendRaw(ok);
		assertThat(bystander.readExactly(ok.length)).containsExactly(ok);
		assertThat(eventsOf(ConnectionErrorEvent.class, idOf(bystander))).isEmpty();
	}

	@Test
	void whenHandlerThrowsThenOnErrorRepliesAndConnectionKeepsServing() throws IOException {
		EchoWithOnError handler = new EchoWithOnError(this.timeline);
		start(settings(), handler);
		TcpTestClient client = connect();
		long id = idOf(client);
		client.sendLine("fail");
		assertThat(client.readLine()).isEqualTo("error: boom");
		assertEchoes(client, "still here");
		assertThat(awaitEvent(ConnectionErrorEvent.class, id).getError()).isInstanceOf(IllegalStateException.class)
			.hasMessage("boom");
		assertThat(handler.errors).singleElement().isInstanceOf(IllegalStateException.class);
		assertThat(this.server.statistics().errors()).isEqualTo(1);
		assertThat(this.server.connection(id)).hasValueSatisfying((socket) -> assertThat(socket.isOpen()).isTrue());
	}

	@Test
	void whenHandlerThrowsCheckedExceptionThenOnErrorReceivesItWrapped() throws IOException {
		EchoWithOnError handler = new EchoWithOnError(this.timeline);
		start(settings(), handler);
		TcpTestClient client = connect();
		client.sendLine("checked");
		assertThat(client.readLine()).startsWith("error: ");
		assertThat(handler.errors).singleElement()
			.isInstanceOfSatisfying(HandlerMethodException.class,
					(ex) -> assertThat(ex).cause().isInstanceOf(IOException.class).hasMessage("checked boom"));
		assertEchoes(client, "still here");
	}

	@Test
	void whenOnErrorRecoveredThenALaterPeerCloseIsReportedAsPeerClosed() throws IOException {
		start(settings(), new EchoWithOnError(this.timeline));
		TcpTestClient client = connect();
		long id = idOf(client);
		client.sendLine("fail");
		assertThat(client.readLine()).isEqualTo("error: boom");
		assertEchoes(client, "still here");
		client.close();
		// the handler recovered; CloseReason.HANDLER_ERROR is for handlers that could not
		assertThat(awaitEvent(ConnectionClosedEvent.class, id).getReason()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(this.server.statistics().closed(CloseReason.HANDLER_ERROR)).isZero();
	}

	@Test
	void whenHandlerThrowsWithoutOnErrorThenOnlyThatConnectionCloses() throws IOException {
		start(settings(), new Echo(this.timeline));
		TcpTestClient victim = connect();
		TcpTestClient bystander = connect();
		assertEchoes(bystander, "before");
		long victimId = idOf(victim);
		long bystanderId = idOf(bystander);
		try (LogCapture log = LogCapture.of(AnnotatedMessageFlow.class)) {
			victim.sendLine("fail");
			assertThat(victim.awaitClosed(WAIT)).isTrue();
			assertThat(log.messages()).singleElement()
				.asString()
				.startsWith("WARN Closing QTcpSocket[behaviour#" + victimId)
				.endsWith("its handler failed and no @OnError method takes the error");
		}
		assertThat(awaitEvent(ConnectionErrorEvent.class, victimId).getError()).hasMessage("boom");
		assertThat(awaitEvent(ConnectionClosedEvent.class, victimId).getReason()).isEqualTo(CloseReason.HANDLER_ERROR);
		assertThat(this.server.statistics().closed(CloseReason.HANDLER_ERROR)).isEqualTo(1);
		assertEchoes(bystander, "after");
		assertThat(eventsOf(ConnectionClosedEvent.class, bystanderId)).isEmpty();
	}

	@Test
	void whenHandlerBlocksOnOneConnectionThenAnotherKeepsEchoing() throws Exception {
		Echo handler = new Echo(this.timeline);
		start(settings(), handler);
		TcpTestClient blocked = connect();
		TcpTestClient other = connect();
		blocked.send("block\nafter\n");
		assertThat(handler.blocking.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertEchoes(other, "one");
		assertEchoes(other, "two");
		assertThat(handler.release.getCount()).as("the first connection is still blocked").isOne();
		handler.release.countDown();
		assertThat(blocked.readLine()).isEqualTo("block");
		assertThat(blocked.readLine()).isEqualTo("after");
	}

	@Test
	void whenConnectionsSendTogetherAndOneHandlerBlocksThenTheOthersStillEcho() throws Exception {
		// sent back to back, the lines tend to reach the server in one pass of its event
		// loop, whose worker runs go to the workers together: the blocked run must not
		// hold the others (WorkerHandOffTests checks the same pass deterministically)
		Echo handler = new Echo(this.timeline);
		start(settings(), handler);
		TcpTestClient blocked = connect();
		List<TcpTestClient> others = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			others.add(connect());
		}
		blocked.send("block\n");
		for (int i = 0; i < others.size(); i++) {
			others.get(i).send("m" + i + "\n");
		}
		for (int i = 0; i < others.size(); i++) {
			assertThat(others.get(i).readLine()).isEqualTo("m" + i);
		}
		assertThat(handler.unblocked).as("the first connection is still blocked").isFalse();
		handler.release.countDown();
		assertThat(blocked.readLine()).isEqualTo("block");
	}

	@Test
	void whenAnotherPartyHooksIntoTheBatchEndThenRepliesStillGoOutAndReadingGoesOn() throws IOException {
		BatchHookingEcho handler = new BatchHookingEcho();
		start(settings(), handler);
		TcpTestClient client = connect();
		int count = AnnotatedMessageFlow.PREFETCH + 1;
		StringBuilder pipelined = new StringBuilder();
		for (int i = 0; i < count; i++) {
			pipelined.append('m').append(i).append('\n');
		}
		client.send(pipelined.toString());
		for (int i = 0; i < count; i++) {
			assertThat(client.readLine()).isEqualTo("m" + i);
		}
		assertThat(handler.batchEnds).hasPositiveValue();
	}

	@Test
	void handlerMethodsAndConnectionEventsNeverRunOnAnEventLoop() throws IOException {
		EchoWithOnError handler = new EchoWithOnError(this.timeline);
		start(settings(), handler);
		TcpTestClient client = connect();
		long id = idOf(client);
		assertEchoes(client, "hi");
		client.sendLine("fail");
		assertThat(client.readLine()).isEqualTo("error: boom");
		client.close();
		awaitEvent(ConnectionClosedEvent.class, id);
		waiting().until(() -> handler.threads.containsKey("onDisconnect"));
		assertThat(handler.threads).containsOnlyKeys("onConnect", "onMessage", "onError", "onDisconnect");
		assertThat(handler.threads.values()).allSatisfy((thread) -> assertThat(thread).startsWith("test-worker-"));
		assertThat(handler.onNonBlockingThread).hasValue(0);
		assertThat(this.eventThreads).hasSizeGreaterThanOrEqualTo(3)
			.allSatisfy((thread) -> assertThat(thread).startsWith("test-worker-"));
	}

	@Test
	void whenHandlerIsSlowThenEachConnectionsMessagesAreHandledInOrderOneAtATime() throws IOException {
		SlowEcho handler = new SlowEcho();
		start(settings(), handler);
		List<TcpTestClient> connections = List.of(connect(), connect());
		int count = 100;
		for (int c = 0; c < connections.size(); c++) {
			StringBuilder pipelined = new StringBuilder();
			for (int i = 0; i < count; i++) {
				pipelined.append(c).append('-').append(i).append('\n');
			}
			connections.get(c).send(pipelined.toString());
		}
		for (int c = 0; c < connections.size(); c++) {
			for (int i = 0; i < count; i++) {
				assertThat(connections.get(c).readLine()).isEqualTo(c + "-" + i);
			}
		}
		assertThat(handler.overlaps).as("calls overlapping on one connection").hasValue(0);
		assertThat(handler.handled.values()).hasSize(2)
			.allSatisfy((messages) -> assertThat(messages).hasSize(count)
				.isSortedAccordingTo((a, b) -> Integer.compare(sequence(a), sequence(b))));
	}

	@Test
	void whenConnectionComesAndGoesThenEventsAndHandlerCallsInterleaveInOrder() throws IOException {
		start(settings(), new Echo(this.timeline));
		TcpTestClient client = connect();
		long id = idOf(client);
		assertEchoes(client, "hi");
		client.close();
		awaitEvent(ConnectionClosedEvent.class, id);
		assertThat(this.timeline).containsExactly("NewConnectionEvent#" + id, "onConnect#" + id, "onMessage:hi#" + id,
				"onDisconnect#" + id, "ConnectionClosedEvent#" + id);
	}

	@Test
	void whenBeanIsTcpConnectionHandlerThenItReceivesFramedInboundAndCanReply() throws IOException {
		Shouting handler = new Shouting();
		start(settings(), handler);
		TcpTestClient client = connect();
		client.send("one\ntwo\n");
		assertThat(client.readLine()).isEqualTo("ONE");
		assertThat(client.readLine()).isEqualTo("TWO");
		assertThat(handler.frames).containsExactly("one", "two");
	}

	@Test
	void broadcastReachesEveryHandlerBoundConnection() throws IOException {
		start(settings(), new Echo(this.timeline));
		TcpTestClient first = connect();
		TcpTestClient second = connect();
		assertEchoes(first, "hi");
		assertEchoes(second, "hi");
		assertThat(this.server.broadcast("news")).isEqualTo(2);
		assertThat(first.readLine()).isEqualTo("news");
		assertThat(second.readLine()).isEqualTo("news");
	}

	@Test
	void connectionByIdFindsAnOpenConnectionUntilItCloses() throws IOException {
		start(settings(), new Echo(this.timeline));
		TcpTestClient client = connect();
		long id = idOf(client);
		assertThat(this.server.connection(id)).hasValueSatisfying((socket) -> {
			assertThat(socket.id()).isEqualTo(id);
			assertThat(socket.peerAddress().getPort()).isEqualTo(client.localPort());
			assertThat(socket.isOpen()).isTrue();
		});
		assertThat(this.server.connection(id + 1000)).isEmpty();
		this.server.connection(id).orElseThrow().send("direct");
		assertThat(client.readLine()).isEqualTo("direct");
		client.close();
		waiting().until(() -> this.server.connection(id).isEmpty());
	}

	@Test
	void whenIdleTimeoutPassesThenSilentConnectionClosesAndChattyOneStaysOpen() throws IOException {
		start(settings().idleTimeout(Duration.ofMillis(300)), new Echo(this.timeline));
		TcpTestClient silent = connect();
		TcpTestClient chatty = connect();
		// from the start, keep talking for three idle timeouts: every round trip must
		// succeed
		waiting().during(Duration.ofMillis(900)).pollInterval(Duration.ofMillis(100)).until(() -> {
			chatty.sendLine("ping");
			return chatty.readLine().equals("ping");
		});
		long silentId = idOf(silent);
		long chattyId = idOf(chatty);
		assertThat(silent.awaitClosed(WAIT)).isTrue();
		assertThat(awaitEvent(ConnectionClosedEvent.class, silentId).getReason()).isEqualTo(CloseReason.IDLE_TIMEOUT);
		assertThat(eventsOf(ConnectionClosedEvent.class, chattyId)).isEmpty();
		assertThat(this.server.connection(chattyId))
			.hasValueSatisfying((socket) -> assertThat(socket.isOpen()).isTrue());
		assertThat(this.server.statistics().closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
	}

	private static TcpServerSettings.Builder settings() {
		return TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).port(0).framing(TcpFraming.LINE);
	}

	private void start(TcpServerSettings.Builder settings, Object handler) {
		this.server = new QTcpServer("behaviour", settings.build(), this::record, this.workers.executor(), List.of());
		this.server.bindHandler(handler, "handler");
		assertThat(this.server.listen()).isTrue();
	}

	private void record(Object event) {
		this.events.add(event);
		if (event instanceof QtConnectionEvent connectionEvent) {
			this.eventThreads.add(Thread.currentThread().getName());
			this.timeline.add(event.getClass().getSimpleName() + "#" + connectionEvent.getConnectionId());
		}
	}

	private TcpTestClient connect() throws IOException {
		TcpTestClient client = TcpTestClient.connect(this.server.serverPort());
		this.clients.add(client);
		return client;
	}

	/**
	 * The server-side id of a client's connection, from its {@link NewConnectionEvent}.
	 */
	private long idOf(TcpTestClient client) {
		return waiting()
			.until(() -> this.events.stream()
				.filter(NewConnectionEvent.class::isInstance)
				.map(NewConnectionEvent.class::cast)
				.filter((event) -> event.getConnection().peerAddress().getPort() == client.localPort())
				.findFirst(), (found) -> found.isPresent())
			.orElseThrow()
			.getConnectionId();
	}

	private <E extends QtConnectionEvent> List<E> eventsOf(Class<E> type, long connectionId) {
		return this.events.stream()
			.filter(type::isInstance)
			.map(type::cast)
			.filter((event) -> event.getConnectionId() == connectionId)
			.toList();
	}

	private <E extends QtConnectionEvent> E awaitEvent(Class<E> type, long connectionId) {
		return waiting().until(() -> eventsOf(type, connectionId), (found) -> !found.isEmpty()).get(0);
	}

	/**
	 * Waits up to {@link #WAIT}, checking at once and then often: setup must not eat into
	 * short timeouts.
	 */
	private static ConditionFactory waiting() {
		return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private static void assertEchoes(TcpTestClient client, String message) throws IOException {
		client.sendLine(message);
		assertThat(client.readLine()).isEqualTo(message);
	}

	private static int sequence(String message) {
		return Integer.parseInt(message.substring(message.indexOf('-') + 1));
	}

	/**
	 * Echoes lines; "fail" throws, "checked" throws a checked exception, "block" waits
	 * for {@link #release}. Records every call on the shared timeline and the threads it
	 * ran on.
	 */
	static class Echo {

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		/** Whether a "block" call was released, or gave up waiting. */
		final AtomicBoolean unblocked = new AtomicBoolean();

		final Map<String, String> threads = new ConcurrentHashMap<>();

		final AtomicInteger onNonBlockingThread = new AtomicInteger();

		private final List<String> timeline;

		Echo(List<String> timeline) {
			this.timeline = timeline;
		}

		@OnConnect
		void connected(QTcpSocket socket) {
			record("onConnect", socket);
		}

		@OnMessage
		String message(String message, QTcpSocket socket) throws Exception {
			record("onMessage:" + message, socket);
			switch (message) {
				case "fail" -> throw new IllegalStateException("boom");
				case "checked" -> throw new IOException("checked boom");
				case "block" -> {
					this.blocking.countDown();
					this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
					this.unblocked.set(true);
				}
				default -> {
				}
			}
			return message;
		}

		@OnDisconnect
		void disconnected(QTcpSocket socket) {
			record("onDisconnect", socket);
		}

		void record(String call, QTcpSocket socket) {
			this.timeline.add(call + "#" + socket.id());
			this.threads.put(call.replaceAll(":.*", ""), Thread.currentThread().getName());
			if (Schedulers.isInNonBlockingThread()) {
				this.onNonBlockingThread.incrementAndGet();
			}
		}

	}

	/** {@link Echo} with an {@link OnError} method that replies. */
	static class EchoWithOnError extends Echo {

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		EchoWithOnError(List<String> timeline) {
			super(timeline);
		}

		@OnError
		String failed(QTcpSocket socket, Throwable error) {
			record("onError", socket);
			this.errors.add(error);
			return "error: " + error.getMessage();
		}

	}

	/** {@link EchoWithOnError} on the event loop. */
	@NonBlocking
	static class NonBlockingEchoWithOnError extends EchoWithOnError {

		NonBlockingEchoWithOnError(List<String> timeline) {
			super(timeline);
		}

	}

	/**
	 * Echoes after a little simulated work, and notices calls that overlap on a
	 * connection.
	 */
	static class SlowEcho {

		final Map<Long, List<String>> handled = new ConcurrentHashMap<>();

		final AtomicInteger overlaps = new AtomicInteger();

		private final Map<Long, AtomicInteger> inFlight = new ConcurrentHashMap<>();

		@OnMessage
		String echo(String message, QTcpSocket socket) throws InterruptedException {
			AtomicInteger running = this.inFlight.computeIfAbsent(socket.id(), (id) -> new AtomicInteger());
			if (running.incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
			// simulated work of varying length: calls would overtake each other if run in
			// parallel
			Thread.sleep(ThreadLocalRandom.current().nextInt(3));
			this.handled.computeIfAbsent(socket.id(), (id) -> new CopyOnWriteArrayList<>()).add(message);
			running.decrementAndGet();
			return message;
		}

	}

	/**
	 * Echoes lines, and hooks into the end of its connection's batches as a party other
	 * than the server would.
	 */
	static class BatchHookingEcho {

		final AtomicInteger batchEnds = new AtomicInteger();

		@OnConnect
		void connected(QTcpSocket socket) {
			socket.state().executor().addBatchHook(this.batchEnds::incrementAndGet);
		}

		@OnMessage
		String message(String message) {
			return message;
		}

	}

	/** Full control: upper-cases each inbound frame. */
	static class Shouting implements TcpConnectionHandler {

		final List<String> frames = new CopyOnWriteArrayList<>();

		@Override
		public Publisher<Void> handle(QTcpSocket socket, NettyInbound inbound, NettyOutbound outbound) {
			return outbound.sendString(inbound.receive()
				.asString()
				.doOnNext(this.frames::add)
				.map((frame) -> frame.toUpperCase(Locale.ROOT) + "\n"));
		}

	}

}
