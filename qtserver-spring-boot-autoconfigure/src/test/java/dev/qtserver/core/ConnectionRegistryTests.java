package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSession;

import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.event.ConnectionClosedEvent;
import dev.qtserver.event.ConnectionErrorEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.event.QtConnectionEvent;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ConnectionRegistry} keeps the open and pending connections of a server and
 * publishes their events in order on each connection's serial worker.
 */
class ConnectionRegistryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final WorkerPool workers = WorkerPool.platformThreads(4, "registry-worker-");

	private final List<Published> events = new CopyOnWriteArrayList<>();

	private final QtServer server = new QTcpServer("registry", TcpServerSettings.builder().build(),
			(event) -> record(event), this.workers.executor(), List.of());

	private final ServerStatistics statistics = new ServerStatistics();

	private final AtomicInteger roomChanges = new AtomicInteger();

	private final ConnectionRegistry<TestConnection> registry = new ConnectionRegistry<>(this.server,
			new ApplicationEventSignals(this.server, this::record), this.statistics, this.roomChanges::incrementAndGet);

	@AfterEach
	void tearDown() {
		this.workers.close();
	}

	@Test
	void whenIdsAreTakenThenTheyIncreaseFromOne() {
		assertThat(List.of(this.registry.nextId(), this.registry.nextId(), this.registry.nextId())).containsExactly(1L,
				2L, 3L);
	}

	@Test
	void whenIdsAreTakenFromManyThreadsThenEachIsUnique() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			Set<Long> ids = ConcurrentHashMap.newKeySet();
			List<Future<?>> takers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				takers.add(threads.submit(() -> {
					for (int i = 0; i < 1_000; i++) {
						ids.add(this.registry.nextId());
					}
				}));
			}
			for (Future<?> taker : takers) {
				taker.get(5, TimeUnit.SECONDS);
			}
			assertThat(ids).hasSize(4_000).allMatch((id) -> id >= 1 && id <= 4_000);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void whenRegisteredForAHandlerThenItIsCountedAndNewConnectionIsPublishedOnItsWorker() {
		TestConnection connection = register(false);
		assertThat(this.registry.size()).isOne();
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(this.registry.taken()).containsExactly(connection);
		assertThat(this.registry.get(connection.id())).contains(connection);
		assertThat(this.statistics.accepted()).isOne();
		await().atMost(TIMEOUT).until(() -> this.events.size() == 1);
		assertThat(this.events).singleElement().satisfies((published) -> {
			assertThat(published.event()).isInstanceOf(NewConnectionEvent.class);
			assertThat(published.onConnectionWorker()).isTrue();
			assertThat(((NewConnectionEvent) published.event()).getConnection()).isSameAs(connection);
		});
	}

	@Test
	void whenQueuedThenPendingConnectionAvailableComesBeforeNewConnection() {
		TestConnection connection = register(true);
		assertThat(this.registry.pendingCount()).isOne();
		assertThat(this.registry.taken()).isEmpty();
		assertThat(this.registry.size()).isOne();
		await().atMost(TIMEOUT).until(() -> this.events.size() == 2);
		assertThat(eventNames(connection)).containsExactly("PendingConnectionAvailableEvent", "NewConnectionEvent");
		assertThat(this.events).allMatch(Published::onConnectionWorker);
	}

	@Test
	void whenPendingConnectionsAreTakenThenTheyComeOutOldestFirstAndEachTakeSignalsRoom() {
		TestConnection first = register(true);
		TestConnection second = register(true);
		TestConnection third = register(true);
		assertThat(this.registry.pendingCount()).isEqualTo(3);
		assertThat(this.registry.nextPending()).isSameAs(first);
		assertThat(this.registry.pendingCount()).isEqualTo(2);
		assertThat(this.roomChanges).hasValue(1);
		assertThat(this.registry.nextPending()).isSameAs(second);
		assertThat(this.registry.nextPending()).isSameAs(third);
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(this.roomChanges).hasValue(3);
		assertThat(this.registry.taken()).containsExactlyInAnyOrder(first, second, third);
		assertThat(this.registry.size()).isEqualTo(3);
	}

	@Test
	void whenNothingIsPendingThenNextPendingIsNullAndSignalsNoRoom() {
		register(false);
		assertThat(this.registry.nextPending()).isNull();
		assertThat(this.roomChanges).hasValue(0);
	}

	@Test
	void whenAPendingConnectionClosesThenItLeavesTheQueueAndSignalsRoom() {
		TestConnection first = register(true);
		TestConnection second = register(true);
		first.closeByPeer();
		assertThat(this.registry.pendingCount()).isOne();
		assertThat(this.registry.size()).isOne();
		assertThat(this.registry.get(first.id())).isEmpty();
		assertThat(this.roomChanges).hasValue(1);
		assertThat(this.registry.nextPending()).isSameAs(second);
		assertThat(this.registry.nextPending()).isNull();
	}

	@Test
	void whenAConnectionFailsAndClosesThenItsEventsArriveInOrderOnItsWorker() {
		TestConnection connection = register(true);
		List<String> hooks = new CopyOnWriteArrayList<>();
		connection.state().whenClosed(() -> hooks.add("hook before " + eventNames(connection).size() + " events"));
		IllegalStateException error = new IllegalStateException("handler failed");
		this.registry.failed(connection, error);
		connection.closeByPeer();
		assertThat(connection.state().closeHandled()).succeedsWithin(TIMEOUT);
		assertThat(eventNames(connection)).containsExactly("PendingConnectionAvailableEvent", "NewConnectionEvent",
				"ConnectionErrorEvent", "ConnectionClosedEvent");
		assertThat(this.events).allMatch(Published::onConnectionWorker);
		assertThat(hooks).containsExactly("hook before 3 events");
		assertThat(eventsOf(ConnectionErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError()).isSameAs(error));
		assertThat(eventsOf(ConnectionClosedEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.PEER_CLOSED));
		assertThat(this.statistics.errors()).isOne();
		assertThat(this.statistics.closed(CloseReason.PEER_CLOSED)).isOne();
	}

	@Test
	void whenTheServerGivesAReasonAfterTheCloseWasReportedThenTheReasonStaysAsReported() {
		TestConnection connection = register(false);
		connection.closeByPeer();
		connection.state().closing(CloseReason.IDLE_TIMEOUT);
		assertThat(connection.state().closeHandled()).succeedsWithin(TIMEOUT);
		assertThat(eventsOf(ConnectionClosedEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.PEER_CLOSED));
		assertThat(connection.state().whyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(this.statistics.closed(CloseReason.IDLE_TIMEOUT)).isZero();
	}

	@Test
	void whenTheServerClosesAsThePeerDoesThenTheReasonReportedIsTheOneTheConnectionKeeps() throws Exception {
		int rounds = 2_000;
		ExecutorService threads = Executors.newFixedThreadPool(2);
		List<TestConnection> connections = new ArrayList<>();
		try {
			for (int i = 0; i < rounds; i++) {
				TestConnection connection = register(false);
				connections.add(connection);
				// the server gives its reason just as the close is reported
				CyclicBarrier start = new CyclicBarrier(2);
				Future<?> server = threads.submit(() -> {
					start.await(5, TimeUnit.SECONDS);
					connection.state().closing(CloseReason.IDLE_TIMEOUT);
					return null;
				});
				Future<?> peer = threads.submit(() -> {
					start.await(5, TimeUnit.SECONDS);
					connection.closeByPeer();
					return null;
				});
				server.get(5, TimeUnit.SECONDS);
				peer.get(5, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		await().atMost(TIMEOUT).until(() -> eventsOf(ConnectionClosedEvent.class).size() == rounds);
		Map<QtConnection, CloseReason> reported = new HashMap<>();
		eventsOf(ConnectionClosedEvent.class)
			.forEach((event) -> reported.put(event.getConnection(), event.getReason()));
		assertThat(connections)
			.allSatisfy((connection) -> assertThat(reported.get(connection)).as("connection %d", connection.id())
				.isEqualTo(connection.state().whyClosed()));
		long idle = connections.stream()
			.filter((connection) -> connection.state().whyClosed() == CloseReason.IDLE_TIMEOUT)
			.count();
		assertThat(this.statistics.closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(idle);
		assertThat(this.statistics.closed(CloseReason.PEER_CLOSED)).isEqualTo(rounds - idle);
	}

	@Test
	void whenAClosedEventFactoryIsGivenThenItMakesTheClosedEvent() {
		ConnectionRegistry<TestConnection> custom = new ConnectionRegistry<>(this.server,
				new ApplicationEventSignals(this.server, this::record,
						(connection, reason) -> new CustomClosedEvent(this.server, connection, reason)),
				this.statistics, () -> {
				});
		TestConnection connection = new TestConnection(custom.nextId(), true);
		custom.register(connection, false);
		connection.closeWith(CloseReason.IDLE_TIMEOUT);
		assertThat(connection.state().closeHandled()).succeedsWithin(TIMEOUT);
		assertThat(eventsOf(ConnectionClosedEvent.class)).singleElement()
			.isInstanceOf(CustomClosedEvent.class)
			.satisfies((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.IDLE_TIMEOUT));
	}

	@Test
	void whenPendingConnectionsAreDroppedThenTheyCloseAsServerClosedAndTakenOnesStayOpen() {
		TestConnection taken = register(false);
		TestConnection first = register(true);
		TestConnection second = register(true);
		this.registry.dropPending();
		assertThat(first.calls).containsExactly("closeWith SERVER_CLOSED");
		assertThat(second.calls).containsExactly("closeWith SERVER_CLOSED");
		assertThat(taken.isOpen()).isTrue();
		assertThat(this.registry.pendingCount()).isZero();
		assertThat(this.registry.size()).isOne();
		assertThat(this.statistics.closed(CloseReason.SERVER_CLOSED)).isEqualTo(2);
	}

	@Test
	void whenPendingConnectionsAreAwaitedThenTheWaitEndsWithTheFirstOrTimesOut() throws Exception {
		assertThat(this.registry.awaitPending(Duration.ofMillis(50))).isFalse();
		ExecutorService waiter = Executors.newSingleThreadExecutor();
		try {
			Future<Boolean> waited = waiter.submit(() -> this.registry.awaitPending(TIMEOUT));
			register(true);
			assertThat(waited.get(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			waiter.shutdownNow();
		}
	}

	@Test
	void whenNothingIsOpenThenCloseAllReturnsAtOnce() {
		long start = System.nanoTime();
		this.registry.closeAll(TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void whenConnectionsCloseOnRequestThenCloseAllReturnsOnceTheirCloseEventsArePublished() {
		TestConnection first = register(false);
		TestConnection second = register(true);
		this.registry.closeAll(TIMEOUT);
		assertThat(first.calls).containsExactly("lingerOnClose", "closeWith SERVER_SHUTDOWN");
		assertThat(second.calls).containsExactly("lingerOnClose", "closeWith SERVER_SHUTDOWN");
		assertThat(first.state().closeHandled()).isDone();
		assertThat(second.state().closeHandled()).isDone();
		assertThat(eventsOf(ConnectionClosedEvent.class)).hasSize(2)
			.allSatisfy((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.SERVER_SHUTDOWN));
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void whenAConnectionDoesNotCloseWithinTheTimeoutThenCloseAllCutsIt() {
		TestConnection willing = register(false);
		TestConnection stubborn = new TestConnection(this.registry.nextId(), false);
		this.registry.register(stubborn, false);
		Duration timeout = Duration.ofMillis(300);
		long start = System.nanoTime();
		try (LogCapture log = LogCapture.of(ConnectionRegistry.class)) {
			this.registry.closeAll(timeout);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(TIMEOUT);
			assertThat(log.messages()).singleElement()
				.isEqualTo("WARN TCP server 'registry' cut 1 connection(s) still open after PT0.3S");
		}
		assertThat(willing.calls).containsExactly("lingerOnClose", "closeWith SERVER_SHUTDOWN");
		assertThat(stubborn.calls).containsExactly("lingerOnClose", "closeWith SERVER_SHUTDOWN", "abort");
		assertThat(stubborn.state().closeHandled()).isDone();
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void whenWorkIsQueuedOnAConnectionThenCloseAllClosesItOnlyAfterThatWork() throws Exception {
		TestConnection connection = register(false);
		CountDownLatch release = new CountDownLatch(1);
		connection.state().executor().execute(() -> {
			awaitLatch(release);
			connection.calls.add("queued work done");
		});
		Thread closing = new Thread(() -> this.registry.closeAll(TIMEOUT), "close-all");
		closing.start();
		// closeAll has queued its close and waits for the connection: only now may the
		// work finish
		await().atMost(TIMEOUT)
			.until(() -> closing.getState() == Thread.State.TIMED_WAITING
					|| closing.getState() == Thread.State.WAITING);
		release.countDown();
		closing.join(TIMEOUT.toMillis());
		assertThat(closing.isAlive()).isFalse();
		assertThat(connection.calls).containsExactly("lingerOnClose", "queued work done", "closeWith SERVER_SHUTDOWN");
	}

	private TestConnection register(boolean queue) {
		TestConnection connection = new TestConnection(this.registry.nextId(), true);
		this.registry.register(connection, queue);
		return connection;
	}

	private void record(Object event) {
		boolean onWorker = event instanceof QtConnectionEvent connectionEvent
				&& connectionEvent.getConnection() instanceof TestConnection connection
				&& connection.state().executor().inExecutor();
		this.events.add(new Published(event, onWorker));
	}

	private List<String> eventNames(TestConnection connection) {
		return this.events.stream()
			.map(Published::event)
			.filter((event) -> event instanceof QtConnectionEvent connectionEvent
					&& connectionEvent.getConnection() == connection)
			.map((event) -> event.getClass().getSimpleName())
			.toList();
	}

	private <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().map(Published::event).filter(type::isInstance).map(type::cast).toList();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Published(Object event, boolean onConnectionWorker) {
	}

	private static final class CustomClosedEvent extends ConnectionClosedEvent {

		CustomClosedEvent(QtServer server, QtConnection connection, CloseReason reason) {
			super(server, connection, reason);
		}

	}

	/**
	 * A connection that closes when asked (or only when aborted) and records what the
	 * registry asked of it.
	 */
	private final class TestConnection implements ManagedConnection {

		private final long id;

		private final boolean closesOnRequest;

		private final ConnectionState state = new ConnectionState(ConnectionRegistryTests.this.workers.executor());

		private final Sinks.Empty<Void> closed = Sinks.empty();

		private final List<Runnable> closeCallbacks = new CopyOnWriteArrayList<>();

		private final List<String> calls = new CopyOnWriteArrayList<>();

		private boolean open = true;

		TestConnection(long id, boolean closesOnRequest) {
			this.id = id;
			this.closesOnRequest = closesOnRequest;
		}

		@Override
		public long id() {
			return this.id;
		}

		@Override
		public Optional<SSLSession> sslSession() {
			return Optional.empty();
		}

		@Override
		public CompletableFuture<Void> send(String text) {
			this.calls.add("send");
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public String serverName() {
			return "registry";
		}

		@Override
		public InetSocketAddress peerAddress() {
			return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
		}

		@Override
		public InetSocketAddress localAddress() {
			return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
		}

		@Override
		public synchronized boolean isOpen() {
			return this.open;
		}

		@Override
		public void close() {
			closeWith(CloseReason.CLOSED_BY_APPLICATION);
		}

		@Override
		public ConnectionState state() {
			return this.state;
		}

		@Override
		public Mono<Void> onClose() {
			return this.closed.asMono();
		}

		@Override
		public void whenClosed(Runnable callback) {
			this.closeCallbacks.add(callback);
		}

		@Override
		public void closeWith(CloseReason reason) {
			this.calls.add("closeWith " + reason);
			this.state.closing(reason);
			if (this.closesOnRequest) {
				closed();
			}
		}

		@Override
		public void abort() {
			this.calls.add("abort");
			closed();
		}

		@Override
		public void lingerOnClose() {
			this.calls.add("lingerOnClose");
		}

		void closeByPeer() {
			closed();
		}

		private void closed() {
			synchronized (this) {
				if (!this.open) {
					return;
				}
				this.open = false;
			}
			this.closeCallbacks.forEach(Runnable::run);
			this.closed.tryEmitEmpty();
		}

	}

}
