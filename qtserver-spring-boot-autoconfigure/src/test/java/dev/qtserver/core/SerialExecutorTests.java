package dev.qtserver.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import dev.qtserver.test.LogCapture;
import io.netty.channel.DefaultEventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link SerialExecutor}'s promises: order, one task at a time, the batch hook, yielding
 * after a batch so other connections get a turn, and who counts as its runner.
 */
class SerialExecutorTests {

	private static final int BATCH_SIZE = 256;

	private final ManualExecutor manual = new ManualExecutor();

	private final List<ExecutorService> pools = new ArrayList<>();

	private @Nullable DefaultEventLoop loop;

	@AfterEach
	void tearDown() throws InterruptedException {
		if (this.loop != null) {
			this.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
		for (ExecutorService pool : this.pools) {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void whenTasksAreSubmittedThenTheyRunInSubmissionOrderOnAMultiThreadDelegate() throws InterruptedException {
		SerialExecutor executor = new SerialExecutor(pool(4));
		List<Integer> ran = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		int count = 3 * BATCH_SIZE + 1;
		for (int i = 0; i < count; i++) {
			int task = i;
			executor.execute(() -> ran.add(task));
		}
		executor.execute(done::countDown);
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(ran).containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
	}

	@Test
	void whenTasksAreSubmittedWhileOneRunsThenOnlyOneDrainIsEverScheduled() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		executor.execute(() -> {
			ran.add("first");
			// submitted by the running task itself: it must queue behind it, not start a
			// second run
			executor.execute(() -> ran.add("third"));
			assertThat(this.manual.queued()).isZero();
		});
		executor.execute(() -> ran.add("second"));
		assertThat(this.manual.queued()).isOne();
		this.manual.runAll();
		assertThat(ran).containsExactly("first", "second", "third");
		assertThat(this.manual.ran()).isOne();
	}

	@Test
	void whenManyThreadsSubmitThenTwoTasksOfOneExecutorNeverOverlap() throws InterruptedException {
		SerialExecutor executor = new SerialExecutor(pool(8));
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		int submitters = 4;
		int perSubmitter = 2_000;
		CountDownLatch done = new CountDownLatch(submitters * perSubmitter);
		Runnable task = () -> {
			mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
			// stay inside a while so that an overlapping task would be seen
			for (int spin = 0; spin < 200; spin++) {
				Thread.onSpinWait();
			}
			running.decrementAndGet();
			done.countDown();
		};
		ExecutorService submitting = pool(submitters);
		for (int s = 0; s < submitters; s++) {
			submitting.execute(() -> {
				for (int i = 0; i < perSubmitter; i++) {
					executor.execute(task);
				}
			});
		}
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(mostAtOnce).hasValue(1);
	}

	@Test
	void whenABatchEndsThenTheHookRunsAfterItsTasksOnTheSameThread() throws InterruptedException {
		SerialExecutor executor = new SerialExecutor(pool(4));
		List<String> ran = new CopyOnWriteArrayList<>();
		List<Boolean> hookOnTaskThread = new CopyOnWriteArrayList<>();
		String[] taskThread = new String[1];
		CountDownLatch hooked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		executor.addBatchHook(() -> {
			ran.add("hook");
			hookOnTaskThread.add(Thread.currentThread().getName().equals(taskThread[0]));
			hooked.countDown();
		});
		executor.execute(() -> {
			taskThread[0] = Thread.currentThread().getName();
			ran.add("task 1");
			awaitLatch(release);
		});
		executor.execute(() -> ran.add("task 2"));
		executor.execute(() -> ran.add("task 3"));
		release.countDown();
		assertThat(hooked.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(ran).startsWith("task 1", "task 2", "task 3", "hook");
		assertThat(hookOnTaskThread).first().isEqualTo(true);
	}

	@Test
	void whenSeveralPartiesHookIntoTheBatchEndThenEveryHookRunsAfterEachBatchLastAddedFirst() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		executor.addBatchHook(() -> ran.add("first hook"));
		executor.addBatchHook(() -> ran.add("second hook"));
		executor.execute(() -> ran.add("task"));
		this.manual.runAll();
		executor.execute(() -> ran.add("next task"));
		this.manual.runAll();
		assertThat(ran).containsExactly("task", "second hook", "first hook", "next task", "second hook", "first hook");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, BATCH_SIZE - 1, BATCH_SIZE, BATCH_SIZE + 1, 2 * BATCH_SIZE + 1 })
	void whenTasksAreQueuedThenEachBatchHoldsAtMostBatchSizeTasksAndEndsWithTheHook(int count) {
		SerialExecutor executor = new SerialExecutor(this.manual);
		AtomicInteger sinceHook = new AtomicInteger();
		List<Integer> batches = new ArrayList<>();
		executor.addBatchHook(() -> {
			// a run may end with a hook after no task at all; only batches that ran
			// something count
			int size = sinceHook.getAndSet(0);
			if (size > 0) {
				batches.add(size);
			}
		});
		for (int i = 0; i < count; i++) {
			executor.execute(sinceHook::incrementAndGet);
		}
		this.manual.runAll();
		List<Integer> expected = new ArrayList<>();
		for (int left = count; left > 0; left -= BATCH_SIZE) {
			expected.add(Math.min(left, BATCH_SIZE));
		}
		assertThat(batches).containsExactlyElementsOf(expected);
		assertThat(sinceHook).hasValue(0);
		// a full batch with more behind it hands the thread back and queues the rest as
		// a new run; one that emptied the queue just ends
		assertThat(this.manual.ran()).isEqualTo((count + BATCH_SIZE - 1) / BATCH_SIZE);
	}

	@ParameterizedTest
	@ValueSource(ints = { BATCH_SIZE - 1, BATCH_SIZE, BATCH_SIZE + 1 })
	void whenABusyExecutorFillsABatchThenAnotherExecutorOnASingleThreadGetsATurn(int busyTasks)
			throws InterruptedException {
		ExecutorService single = pool(1);
		SerialExecutor busy = new SerialExecutor(single);
		SerialExecutor other = new SerialExecutor(single);
		List<String> ran = new CopyOnWriteArrayList<>();
		CountDownLatch queued = new CountDownLatch(1);
		// hold the only thread until both executors have queued their work
		single.execute(() -> awaitLatch(queued));
		for (int i = 0; i < busyTasks; i++) {
			int task = i;
			busy.execute(() -> ran.add("busy " + task));
		}
		other.execute(() -> ran.add("other"));
		CountDownLatch done = new CountDownLatch(2);
		busy.execute(done::countDown);
		other.execute(done::countDown);
		queued.countDown();
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(ran.indexOf("other")).isEqualTo(Math.min(busyTasks, BATCH_SIZE));
		assertThat(ran).filteredOn((name) -> name.startsWith("busy"))
			.containsExactlyElementsOf(IntStream.range(0, busyTasks).mapToObj((i) -> "busy " + i).toList());
	}

	@Test
	void whenCalledFromItsTasksThenInExecutorIsTrueAndElsewhereFalse() throws InterruptedException {
		ExecutorService pool = pool(2);
		SerialExecutor executor = new SerialExecutor(pool);
		SerialExecutor neighbour = new SerialExecutor(pool);
		List<Boolean> inOwn = new CopyOnWriteArrayList<>();
		List<Boolean> inNeighbour = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		executor.execute(() -> {
			inOwn.add(executor.inExecutor());
			inNeighbour.add(neighbour.inExecutor());
			done.countDown();
		});
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(inOwn).containsExactly(true);
		assertThat(inNeighbour).containsExactly(false);
		assertThat(executor.inExecutor()).isFalse();
	}

	@Test
	void whenARunEndsThenItsThreadNoLongerCountsAsTheRunner() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		executor.execute(() -> {
		});
		// the test thread itself runs the drain
		this.manual.runAll();
		assertThat(executor.inExecutor()).isFalse();
	}

	@Test
	void whenARunYieldsThenTasksOfTheNextRunStillSeeInExecutor() throws InterruptedException {
		SerialExecutor executor = new SerialExecutor(pool(4));
		int count = 2 * BATCH_SIZE + 1;
		List<Boolean> seen = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			executor.execute(() -> {
				seen.add(executor.inExecutor());
				done.countDown();
			});
		}
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(seen).hasSize(count).containsOnly(true);
	}

	@Test
	void whenTheRunAfterAYieldStartsBeforeTheYieldingRunHasReturnedThenItKeepsOwningTheExecutor()
			throws InterruptedException {
		CountDownLatch nextRunInsideTask = new CountDownLatch(1);
		CountDownLatch yieldingRunReturned = new CountDownLatch(1);
		AtomicInteger scheduled = new AtomicInteger();
		Thread[] nextRun = new Thread[1];
		// the first run goes to the test thread; the run the yield schedules starts on a
		// thread of its own, and the yielding run may only return once that one is inside
		// its first task
		Executor handOff = (drainer) -> {
			if (scheduled.incrementAndGet() == 1) {
				this.manual.execute(drainer);
				return;
			}
			nextRun[0] = new Thread(drainer, "next-run");
			nextRun[0].start();
			awaitLatch(nextRunInsideTask);
		};
		SerialExecutor executor = new SerialExecutor(handOff);
		List<Boolean> seen = new CopyOnWriteArrayList<>();
		for (int i = 0; i < BATCH_SIZE; i++) {
			executor.execute(() -> {
			});
		}
		executor.execute(() -> {
			nextRunInsideTask.countDown();
			awaitLatch(yieldingRunReturned);
			seen.add(executor.inExecutor());
		});
		this.manual.runAll();
		yieldingRunReturned.countDown();
		assertThat(nextRun[0]).as("the run scheduled by the yield").isNotNull();
		nextRun[0].join(5000);
		assertThat(nextRun[0].isAlive()).isFalse();
		assertThat(seen).containsExactly(true);
	}

	@Test
	void whenARunYieldsOnTheSameThreadThenTheNextRunStillOwnsTheExecutor() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<Boolean> seen = new ArrayList<>();
		List<Boolean> hookSeen = new ArrayList<>();
		executor.addBatchHook(() -> hookSeen.add(executor.inExecutor()));
		for (int i = 0; i < BATCH_SIZE + 1; i++) {
			executor.execute(() -> seen.add(executor.inExecutor()));
		}
		this.manual.runAll();
		assertThat(seen).hasSize(BATCH_SIZE + 1).containsOnly(true);
		assertThat(hookSeen).isNotEmpty().containsOnly(true);
		assertThat(executor.inExecutor()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, BATCH_SIZE - 1, BATCH_SIZE, BATCH_SIZE + 1, 5000 })
	void whenTasksOfBothHomesAreMixedThenEachRunsOnItsHomeInSubmissionOrder(int count) throws InterruptedException {
		DefaultEventLoop loop = new DefaultEventLoop();
		try {
			SerialExecutor executor = new SerialExecutor(pool(4));
			executor.bindEventLoop(loop);
			List<String> ran = new CopyOnWriteArrayList<>();
			List<String> expected = new ArrayList<>();
			AtomicInteger running = new AtomicInteger();
			List<Integer> overlaps = new CopyOnWriteArrayList<>();
			Random random = new Random(count);
			for (int i = 0; i < count; i++) {
				boolean onLoop = random.nextBoolean();
				String name = i + (onLoop ? ":loop" : ":worker");
				expected.add(name);
				Runnable task = () -> {
					if (running.incrementAndGet() != 1) {
						overlaps.add(1);
					}
					ran.add(name.substring(0, name.indexOf(':')) + (loop.inEventLoop() ? ":loop" : ":worker"));
					running.decrementAndGet();
				};
				if (onLoop) {
					executor.onEventLoop().execute(task);
				}
				else {
					executor.execute(task);
				}
			}
			CountDownLatch done = new CountDownLatch(1);
			executor.execute(done::countDown);
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ran).containsExactlyElementsOf(expected);
			assertThat(overlaps).isEmpty();
		}
		finally {
			loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, BATCH_SIZE - 1, BATCH_SIZE, BATCH_SIZE + 1, 5000 })
	void whenTheEventLoopSubmitsActionsAndWorkerTasksInReadsThenEachRunsOnItsHomeInSubmissionOrder(int count)
			throws Exception {
		DefaultEventLoop loop = loop();
		SerialExecutor executor = onLoop(pool(4));
		List<String> ran = new CopyOnWriteArrayList<>();
		List<String> expected = new ArrayList<>();
		AtomicInteger running = new AtomicInteger();
		List<Integer> overlaps = new CopyOnWriteArrayList<>();
		Consumer<String> action = (name) -> {
			if (running.incrementAndGet() != 1) {
				overlaps.add(1);
			}
			ran.add(name + (loop.inEventLoop() ? ":loop" : ":worker"));
			running.decrementAndGet();
		};
		Random random = new Random(count);
		int submitted = 0;
		while (submitted < count) {
			// a read: a few frames at once, on the event loop, as a decoder delivers them
			int chunk = Math.min(count - submitted, 1 + random.nextInt(40));
			List<Boolean> homes = new ArrayList<>();
			for (int i = 0; i < chunk; i++) {
				boolean onLoop = random.nextInt(4) != 0;
				homes.add(onLoop);
				expected.add((submitted + i) + (onLoop ? ":loop" : ":worker"));
			}
			int first = submitted;
			loop.submit(() -> {
				for (int i = 0; i < homes.size(); i++) {
					String name = String.valueOf(first + i);
					if (homes.get(i)) {
						executor.executeOnEventLoop(action, name);
					}
					else {
						executor.execute(() -> action.accept(name));
					}
				}
			});
			submitted += chunk;
		}
		CountDownLatch done = new CountDownLatch(1);
		// behind the last read's frames
		loop.submit(() -> executor.execute(done::countDown));
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(ran).containsExactlyElementsOf(expected);
		assertThat(overlaps).isEmpty();
	}

	@Test
	void whenAnActionIsSubmittedOnTheIdleEventLoopThenItRunsAtOnceWithoutTheHooks() throws Exception {
		SerialExecutor executor = onLoop(this.manual);
		List<String> ran = new ArrayList<>();
		executor.addBatchHook(() -> ran.add("hook"));
		executor.eventLoop().submit(() -> {
			executor.executeOnEventLoop(ran::add, "action");
			ran.add("after");
		}).get(5, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("action", "after");
		assertThat(this.manual.queued()).isZero();
	}

	@Test
	void whenAnActionIsSubmittedOnTheEventLoopBehindAWorkerTaskThenItWaitsForIt() throws Exception {
		SerialExecutor executor = onLoop(this.manual);
		List<String> ran = new CopyOnWriteArrayList<>();
		executor.eventLoop().submit(() -> {
			executor.execute(() -> ran.add("worker"));
			executor.executeOnEventLoop(ran::add, "action");
			ran.add("after");
		}).get(5, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("after");
		// the worker's run starts once the loop is done (a loop task queued before this
		// one), and hands the action back to the loop
		executor.eventLoop().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(this.manual.queued()).isOne();
		this.manual.runAll();
		executor.eventLoop().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("after", "worker", "action");
	}

	@Test
	void whenAnActionMayRunNowOnTheIdleEventLoopThenItRunsAtOnceAndSaysSo() throws Exception {
		SerialExecutor executor = onLoop(this.manual);
		List<String> ran = new ArrayList<>();
		boolean ranNow = executor.eventLoop().submit(() -> {
			boolean now = executor.runOnEventLoopNow(ran::add, "action");
			ran.add("after");
			return now;
		}).get(5, TimeUnit.SECONDS);
		assertThat(ranNow).isTrue();
		assertThat(ran).containsExactly("action", "after");
	}

	@Test
	void whenAnActionMayNotRunNowThenItNeitherRunsNorQueuesAndSaysSo() throws Exception {
		SerialExecutor executor = onLoop(this.manual);
		List<String> ran = new CopyOnWriteArrayList<>();
		// off the event loop
		assertThat(executor.runOnEventLoopNow(ran::add, "off the loop")).isFalse();
		AtomicReference<Runnable> release = new AtomicReference<>();
		List<Boolean> answers = executor.eventLoop().submit(() -> {
			// behind a queued task
			executor.execute(() -> ran.add("worker"));
			boolean behindTask = executor.runOnEventLoopNow(ran::add, "behind a task");
			return List.of(behindTask);
		}).get(5, TimeUnit.SECONDS);
		assertThat(answers).containsExactly(false);
		executor.eventLoop().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		this.manual.runAll();
		executor.eventLoop().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("worker");
		answers = executor.eventLoop().submit(() -> {
			// while a task holds the queue
			executor.executeOnEventLoop((none) -> release.set(executor.hold()), "holder");
			boolean held = executor.runOnEventLoopNow(ran::add, "while held");
			release.get().run();
			return List.of(held);
		}).get(5, TimeUnit.SECONDS);
		assertThat(answers).containsExactly(false);
		executor.eventLoop().submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("worker");
		assertThat(this.manual.queued()).isZero();
	}

	@Test
	void whenATaskIsSubmittedOnTheIdleEventLoopThenItRunsAtOnceWithoutTheHooks() throws Exception {
		DefaultEventLoop loop = new DefaultEventLoop();
		try {
			SerialExecutor executor = new SerialExecutor(this.manual);
			executor.bindEventLoop(loop);
			List<String> ran = new ArrayList<>();
			executor.addBatchHook(() -> ran.add("hook"));
			loop.submit(() -> {
				executor.onEventLoop().execute(() -> ran.add("task"));
				ran.add("after");
			}).get(5, TimeUnit.SECONDS);
			assertThat(ran).containsExactly("task", "after");
			assertThat(this.manual.queued()).isZero();
		}
		finally {
			loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 15, 16, 17, BATCH_SIZE })
	void whenTheEventLoopQueuesWorkerTasksThenOneWorkerRunTakesThemAllOnceTheLoopIsDone(int count) throws Exception {
		DefaultEventLoop loop = loop();
		SerialExecutor executor = new SerialExecutor(this.manual);
		executor.bindEventLoop(loop);
		List<String> ran = new ArrayList<>();
		executor.addBatchHook(() -> ran.add("hook"));
		// as the frames of one read: each handed over while the loop is still reading
		int[] queuedWhileReading = new int[1];
		loop.submit(() -> {
			for (int i = 0; i < count; i++) {
				int task = i;
				executor.execute(() -> ran.add("task" + task));
			}
			queuedWhileReading[0] = this.manual.queued();
		}).get(5, TimeUnit.SECONDS);
		// the deferred start was queued behind the read: once this runs, it has run
		loop.submit(() -> {
		}).get(5, TimeUnit.SECONDS);
		assertThat(queuedWhileReading[0]).as("worker runs started while the loop was reading").isZero();
		assertThat(this.manual.queued()).isOne();
		this.manual.runAll();
		List<String> expected = new ArrayList<>(IntStream.range(0, count).mapToObj((i) -> "task" + i).toList());
		expected.add("hook");
		assertThat(ran).containsExactlyElementsOf(expected);
		assertThat(this.manual.ran()).isOne();
	}

	@Test
	void whenAWorkerTaskIsSubmittedOffTheEventLoopThenItsRunStartsAtOnce() {
		DefaultEventLoop loop = loop();
		SerialExecutor executor = new SerialExecutor(this.manual);
		executor.bindEventLoop(loop);
		List<String> ran = new ArrayList<>();
		executor.execute(() -> ran.add("task"));
		assertThat(this.manual.queued()).isOne();
		this.manual.runAll();
		assertThat(ran).containsExactly("task");
	}

	@Test
	void whenAnEventLoopTaskIsPutFirstBeforeTheDeferredStartThenTheRunStartsOnTheLoop() throws Exception {
		DefaultEventLoop loop = loop();
		SerialExecutor executor = new SerialExecutor(this.manual);
		executor.bindEventLoop(loop);
		List<String> ran = new CopyOnWriteArrayList<>();
		loop.submit(() -> {
			executor.execute(() -> ran.add("worker:" + (loop.inEventLoop() ? "loop" : "worker")));
			executor.executeNext(() -> ran.add("next:" + (loop.inEventLoop() ? "loop" : "worker")), true);
		}).get(5, TimeUnit.SECONDS);
		// the deferred start, the loop run it starts, and that run's deferred
		// hand-off
		// to the worker each queue a loop task behind the one before
		for (int i = 0; i < 3; i++) {
			loop.submit(() -> {
			}).get(5, TimeUnit.SECONDS);
		}
		assertThat(ran).containsExactly("next:loop");
		assertThat(this.manual.queued()).isOne();
		this.manual.runAll();
		assertThat(ran).containsExactly("next:loop", "worker:worker");
	}

	@Test
	void whenATaskHoldsTheQueueThenNothingRunsUntilItIsReleased() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		AtomicReference<Runnable> release = new AtomicReference<>();
		executor.execute(() -> {
			ran.add("holder");
			release.set(executor.hold());
		});
		executor.execute(() -> ran.add("next"));
		this.manual.runAll();
		assertThat(ran).containsExactly("holder");
		executor.execute(() -> ran.add("later"));
		assertThat(this.manual.queued()).isZero();
		release.get().run();
		// a second release changes nothing
		release.get().run();
		this.manual.runAll();
		assertThat(ran).containsExactly("holder", "next", "later");
		assertThat(this.manual.ran()).isEqualTo(2);
	}

	@Test
	void whenAHoldIsReleasedBeforeItsTaskReturnsThenTheRunGoesOn() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		executor.execute(() -> {
			ran.add("holder");
			executor.hold().run();
		});
		executor.execute(() -> ran.add("next"));
		this.manual.runAll();
		assertThat(ran).containsExactly("holder", "next");
		assertThat(this.manual.ran()).isOne();
	}

	@Test
	void whenATaskIsPutNextThenItRunsBeforeTheQueuedOnes() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		executor.execute(() -> {
			ran.add("first");
			executor.executeNext(() -> ran.add("next"), false);
		});
		executor.execute(() -> ran.add("queued"));
		this.manual.runAll();
		assertThat(ran).containsExactly("first", "next", "queued");
	}

	@Test
	void whenATaskThrowsThenLaterTasksStillRunAndTheFailureIsLogged() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		try (LogCapture log = LogCapture.of(SerialExecutor.class)) {
			executor.execute(() -> {
				throw new IllegalStateException("boom");
			});
			executor.execute(() -> ran.add("after"));
			this.manual.runAll();
			assertThat(log.messages()).singleElement()
				.isEqualTo("ERROR A connection's task failed on thread '" + Thread.currentThread().getName() + "'");
		}
		assertThat(ran).containsExactly("after");
		executor.execute(() -> ran.add("later"));
		this.manual.runAll();
		assertThat(ran).containsExactly("after", "later");
	}

	@Test
	void whenTheBatchHookThrowsThenLaterTasksStillRun() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		executor.addBatchHook(() -> {
			throw new IllegalStateException("hook failed");
		});
		try (LogCapture log = LogCapture.of(SerialExecutor.class)) {
			executor.execute(() -> ran.add("first"));
			this.manual.runAll();
			executor.execute(() -> ran.add("second"));
			this.manual.runAll();
			assertThat(log.messages()).isNotEmpty()
				.allMatch((message) -> message.startsWith("ERROR A connection's task failed"));
		}
		assertThat(ran).containsExactly("first", "second");
	}

	@Test
	void whenTheDelegateIsShutDownThenTasksAreDroppedWithoutThrowing() throws InterruptedException {
		ExecutorService pool = pool(1);
		pool.shutdown();
		assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		SerialExecutor executor = new SerialExecutor(pool);
		AtomicInteger ran = new AtomicInteger();
		assertThatNoException().isThrownBy(() -> executor.execute(ran::incrementAndGet));
		assertThatNoException().isThrownBy(() -> executor.execute(ran::incrementAndGet));
		assertThat(ran).hasValue(0);
	}

	@Test
	void whenTheDelegateRejectsAtAYieldThenTheRestIsDroppedAndNothingThrows() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < BATCH_SIZE + 10; i++) {
			executor.execute(ran::incrementAndGet);
		}
		this.manual.runNextThenReject();
		assertThat(ran).hasValue(BATCH_SIZE);
		assertThat(this.manual.queued()).isZero();
	}

	@Test
	void whenTheDelegateAcceptsAgainAfterARejectionThenNewTasksRun() {
		SerialExecutor executor = new SerialExecutor(this.manual);
		List<String> ran = new ArrayList<>();
		this.manual.rejecting(true);
		executor.execute(() -> ran.add("dropped"));
		this.manual.rejecting(false);
		executor.execute(() -> ran.add("runs"));
		this.manual.runAll();
		assertThat(ran).containsExactly("runs");
	}

	private ExecutorService pool(int threads) {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		this.pools.add(pool);
		return pool;
	}

	/** An executor on the given delegate, bound to this test's event loop. */
	private SerialExecutor onLoop(Executor delegate) {
		SerialExecutor executor = new SerialExecutor(delegate);
		executor.bindEventLoop(loop());
		return executor;
	}

	/** An event loop of the test's own, shut down after it. */
	private DefaultEventLoop loop() {
		DefaultEventLoop loop = this.loop;
		if (loop == null) {
			loop = new DefaultEventLoop();
			this.loop = loop;
		}
		return loop;
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
