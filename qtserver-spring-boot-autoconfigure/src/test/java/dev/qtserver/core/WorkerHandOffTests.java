package dev.qtserver.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.netty.channel.DefaultEventLoop;
import dev.qtserver.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WorkerHandOff}: the worker runs that one pass of an event loop asks for reach
 * the workers as one task, in order, and a run that blocks does not hold the others.
 */
class WorkerHandOffTests {

	private final DefaultEventLoop loop = new DefaultEventLoop();

	private final List<ExecutorService> pools = new ArrayList<>();

	@BeforeEach
	void runBatchesByHand() {
		// a look of the event loop would race the test thread that runs a batch by
		// hand; the tests of the looks bring them back (lookAtBatches)
		WorkerHandOff.lookEvery(TimeUnit.HOURS.toNanos(1));
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		WorkerHandOff.lookEvery(WorkerHandOff.STEAL_AFTER_NANOS);
		this.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		for (ExecutorService pool : this.pools) {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 3, 63, 64, 65, 300 })
	void whenConnectionsAskForWorkerRunsInOnePassThenOneTaskRunsThemAllInOrder(int connections) throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(connections, workers);
		List<String> ran = new ArrayList<>();
		// as one pass of the loop: each connection's read queues two messages
		this.loop.submit(() -> {
			for (int i = 0; i < connections; i++) {
				int connection = i;
				SerialExecutor executor = executors.get(i);
				executor.execute(() -> ran.add(connection + ":a"));
				executor.execute(() -> ran.add(connection + ":b"));
			}
			assertThat(workers.queued()).as("worker runs started while the loop was reading").isZero();
		}).get(5, TimeUnit.SECONDS);
		endOfPass();
		assertThat(workers.queued()).isOne();
		workers.runAll();
		List<String> expected = IntStream.range(0, connections)
			.boxed()
			.flatMap((i) -> List.of(i + ":a", i + ":b").stream())
			.toList();
		assertThat(ran).containsExactlyElementsOf(expected);
	}

	@ParameterizedTest
	@ValueSource(ints = { 255, 256, 257, 600 })
	void whenABusyConnectionFillsARunInABatchThenTheNextConnectionGetsItsTurnAndTheRestFollowsInOrder(int busyTasks)
			throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(2, workers);
		List<String> ran = new ArrayList<>();
		this.loop.submit(() -> {
			for (int i = 0; i < busyTasks; i++) {
				int task = i;
				executors.get(0).execute(() -> ran.add("busy" + task));
			}
			executors.get(1).execute(() -> ran.add("other"));
		}).get(5, TimeUnit.SECONDS);
		endOfPass();
		workers.runAll();
		List<String> busy = IntStream.range(0, busyTasks).mapToObj((i) -> "busy" + i).toList();
		assertThat(ran.stream().filter((task) -> task.startsWith("busy"))).containsExactlyElementsOf(busy);
		// a run yields after 256 tasks: the other connection runs before the rest
		assertThat(ran.indexOf("other")).isEqualTo(Math.min(busyTasks, 256));
	}

	@Test
	void whenAHeldRunIsReleasedOnTheEventLoopThenTheNextRunStartsWithTheOthersOfThePass() throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(2, workers);
		List<String> ran = new ArrayList<>();
		Runnable[] release = new Runnable[1];
		executors.get(0).execute(() -> release[0] = executors.get(0).hold());
		executors.get(0).execute(() -> ran.add("after the hold"));
		workers.runAll();
		assertThat(ran).isEmpty();
		// released on the event loop, as a reply completing there: the run it starts
		// goes to the workers with the other connection's, at the end of the pass
		this.loop.submit(() -> {
			release[0].run();
			executors.get(1).execute(() -> ran.add("other"));
			assertThat(workers.queued()).isZero();
		}).get(5, TimeUnit.SECONDS);
		endOfPass();
		assertThat(workers.queued()).isOne();
		workers.runAll();
		assertThat(ran).containsExactly("after the hold", "other");
	}

	@Test
	void whenPassesFollowEachOtherThenEachHandsItsRunsOverOnceAndNothingIsLost() throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(5, workers);
		List<String> ran = new ArrayList<>();
		for (int pass = 0; pass < 3; pass++) {
			int current = pass;
			inOnePass(executors, (connection) -> () -> ran.add("pass" + current));
			endOfPass();
			assertThat(workers.queued()).isOne();
			workers.runAll();
		}
		assertThat(ran).hasSize(15);
	}

	@Test
	void whenExecutorsOfTwoWorkerPoolsShareTheLoopThenEachPoolGetsItsOwnRuns() throws Exception {
		ManualExecutor first = new ManualExecutor();
		ManualExecutor second = new ManualExecutor();
		List<SerialExecutor> executors = new ArrayList<>();
		executors.addAll(executors(2, first));
		executors.addAll(executors(3, second));
		executors.addAll(executors(2, first));
		List<String> ran = new ArrayList<>();
		inOnePass(executors, (connection) -> () -> ran.add("c" + connection));
		endOfPass();
		// runs are grouped while the pool stays the same: first, second, first
		assertThat(first.queued()).isEqualTo(2);
		assertThat(second.queued()).isOne();
		first.runAll();
		second.runAll();
		assertThat(ran).containsExactlyInAnyOrder("c0", "c1", "c2", "c3", "c4", "c5", "c6");
	}

	@Test
	void whenARunOfTheBatchBlocksThenTheConnectionsBehindItRunOnOtherThreads() throws Exception {
		lookAtBatches();
		ExecutorService pool = Executors.newCachedThreadPool();
		this.pools.add(pool);
		List<SerialExecutor> executors = executors(4, pool);
		// the first connection's handler waits for the other three: behind it in one
		// run, they would never come
		CountDownLatch othersRan = new CountDownLatch(3);
		Map<Integer, Thread> threads = new ConcurrentHashMap<>();
		List<Boolean> waited = new CopyOnWriteArrayList<>();
		this.loop.submit(() -> {
			executors.get(0).execute(() -> {
				threads.put(0, Thread.currentThread());
				try {
					waited.add(othersRan.await(10, TimeUnit.SECONDS));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			for (int i = 1; i < 4; i++) {
				int connection = i;
				executors.get(i).execute(() -> {
					threads.put(connection, Thread.currentThread());
					othersRan.countDown();
				});
			}
		}).get(5, TimeUnit.SECONDS);
		assertThat(othersRan.await(5, TimeUnit.SECONDS)).isTrue();
		CountDownLatch firstDone = new CountDownLatch(1);
		executors.get(0).execute(firstDone::countDown);
		assertThat(firstDone.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(waited).containsExactly(true);
		for (int i = 1; i < 4; i++) {
			assertThat(threads.get(i)).isNotSameAs(threads.get(0));
		}
	}

	@Test
	void whenAConnectionsRunTookLongThenItsNextRunStartsAloneAndTheOthersTogether() throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(3, workers);
		List<String> ran = new ArrayList<>();
		// a handler that holds its worker longer than a batch waits before taking from
		// it,
		// as one that blocks does
		this.loop.submit(() -> executors.get(0).execute(() -> {
			long start = System.nanoTime();
			while (System.nanoTime() - start <= WorkerHandOff.STEAL_AFTER_NANOS) {
				Thread.onSpinWait();
			}
			ran.add("long");
		})).get(5, TimeUnit.SECONDS);
		endOfPass();
		workers.runAll();
		inOnePass(executors, (connection) -> () -> ran.add("c" + connection));
		endOfPass();
		assertThat(workers.queued()).as("the long one's run, then a batch of the two others").isEqualTo(2);
		workers.runAll();
		assertThat(ran).containsExactly("long", "c0", "c1", "c2");
	}

	@Test
	void whenRunsOfABatchEachTakeAWhileThenTheyAreSpreadOverMoreThreads() throws Exception {
		lookAtBatches();
		ExecutorService pool = Executors.newCachedThreadPool();
		this.pools.add(pool);
		int connections = 64;
		List<SerialExecutor> executors = executors(connections, pool);
		// each run finishes (no run is blocked), but each takes half of the time
		// between two looks: on one thread the batch would take 32 looks
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		CountDownLatch ran = new CountDownLatch(connections);
		inOnePass(executors, (connection) -> () -> {
			threads.add(Thread.currentThread());
			long start = System.nanoTime();
			while (System.nanoTime() - start < WorkerHandOff.STEAL_AFTER_NANOS / 2) {
				Thread.onSpinWait();
			}
			ran.countDown();
		});
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(threads).hasSizeGreaterThan(1);
	}

	@Test
	void whenARunFailsOutsideItsOwnHandlingThenTheRestOfTheBatchStillRuns() throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<String> ran = new ArrayList<>();
		List<WorkerHandOff.Run> runs = List.of(new FakeRun(workers, () -> ran.add("first")),
				new FakeRun(workers, () -> {
					throw new OutOfMemoryError("unable to create native thread");
				}), new FakeRun(workers, () -> ran.add("third")));
		try (LogCapture log = LogCapture.of(WorkerHandOff.class)) {
			this.loop.submit(() -> runs.forEach((run) -> WorkerHandOff.execute(this.loop, run)))
				.get(5, TimeUnit.SECONDS);
			endOfPass();
			assertThat(workers.queued()).isOne();
			workers.runAll();
			assertThat(ran).containsExactly("first", "third");
			assertThat(log.messages()).singleElement().asString().startsWith("ERROR A worker run failed");
		}
	}

	@Test
	void whenARunIsAskedForOffTheEventLoopThenItStartsAtOnceOnItsOwn() {
		ManualExecutor workers = new ManualExecutor();
		List<String> ran = new ArrayList<>();
		WorkerHandOff.execute(this.loop, new FakeRun(workers, () -> ran.add("ran")));
		assertThat(workers.queued()).isOne();
		workers.runAll();
		assertThat(ran).containsExactly("ran");
	}

	@Test
	void whenABatchWaitsForAThreadThenNoneOfItsRunsIsTakenFromIt() throws Exception {
		lookAtBatches();
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(3, workers);
		List<String> ran = new ArrayList<>();
		inOnePass(executors, (connection) -> () -> ran.add("ran"));
		// the loop has looked at the unstarted batch several times by then
		this.loop.schedule(() -> {
		}, 5 * WorkerHandOff.STEAL_AFTER_NANOS, TimeUnit.NANOSECONDS).get(5, TimeUnit.SECONDS);
		assertThat(workers.queued()).isOne();
		workers.runAll();
		assertThat(ran).hasSize(3);
	}

	@Test
	void whenTheWorkersRejectABatchThenItsTasksAreDroppedAndLaterOnesRun() throws Exception {
		ManualExecutor workers = new ManualExecutor();
		List<SerialExecutor> executors = executors(3, workers);
		List<String> ran = new CopyOnWriteArrayList<>();
		workers.rejecting(true);
		inOnePass(executors, (connection) -> () -> ran.add("dropped"));
		endOfPass();
		assertThat(workers.queued()).isZero();
		workers.rejecting(false);
		// each executor is idle again: its next task starts a run of its own
		executors.forEach((executor) -> executor.execute(() -> ran.add("later")));
		workers.runAll();
		assertThat(ran).containsExactly("later", "later", "later");
	}

	private List<SerialExecutor> executors(int count, Executor workers) {
		List<SerialExecutor> executors = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			SerialExecutor executor = new SerialExecutor(workers);
			executor.bindEventLoop(this.loop);
			executors.add(executor);
		}
		return executors;
	}

	private static void lookAtBatches() {
		WorkerHandOff.lookEvery(WorkerHandOff.STEAL_AFTER_NANOS);
	}

	/**
	 * As one pass of the loop: each connection's read hands its executor a task (the task
	 * for connection {@code i}).
	 */
	private void inOnePass(List<SerialExecutor> executors, IntFunction<Runnable> task) throws Exception {
		this.loop.submit(() -> {
			for (int i = 0; i < executors.size(); i++) {
				executors.get(i).execute(task.apply(i));
			}
		}).get(5, TimeUnit.SECONDS);
	}

	/** Wait until the loop has run what the pass queued behind it: the hand-off. */
	private void endOfPass() throws Exception {
		this.loop.submit(() -> {
		}).get(5, TimeUnit.SECONDS);
	}

	/** A run that is not a serial executor's: it runs a task, alone or in a batch. */
	private record FakeRun(Executor workers, Runnable task) implements WorkerHandOff.Run {

		@Override
		public boolean startsAlone(long now) {
			return false;
		}

		@Override
		public void runHere() {
			this.task.run();
		}

		@Override
		public void startAlone() {
			this.workers.execute(this.task);
		}

	}

}
