package dev.qtserver.core;

import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.netty.util.concurrent.EventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs tasks one at a time, in the order they were submitted, on a shared executor. Each
 * connection has one, so that its events and messages reach user code in order, off the
 * event loop, while different connections run in parallel.
 *
 * <p>
 * A run handles up to a batch of tasks, then calls the batch hooks (where replies are
 * flushed and more input is asked for) and gives the thread back to the shared executor
 * so that one busy connection cannot starve the others.
 *
 * <p>
 * Two homes, one order. Once the connection's event loop is bound, a task may be placed
 * there instead ({@link #onEventLoop()}): the queue stays one queue, and a run that meets
 * a task of the other home ends its batch and hands the rest of the queue over, so a
 * connection's calls keep their order whichever thread each one needs. A task submitted
 * on the event loop while nothing is queued runs at once, without a hand-off. A task may
 * also {@link #hold()} the queue until an asynchronous result it started has completed (a
 * {@code Mono} reply): nothing behind it runs meanwhile, and no thread waits.
 *
 * <p>
 * One wake-up per burst. Handing a worker one task per frame would wake it, and on a busy
 * core switch threads, about once per message. So a worker run asked for on the event
 * loop starts only once the loop has finished the work at hand: every frame of the read,
 * and of the other connections read in the same pass, is queued first, and the worker
 * takes them all in one run and ends it with the hooks (one flush, one request for more
 * input). The runs that one pass asks for go to the workers together, as one task
 * ({@link WorkerHandOff}), so a pass wakes one thread, not one per connection.
 */
public final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private static final int BATCH_SIZE = 256;

	private static final int FREE = 0;

	/** A task took a hold and is still running. */
	private static final int HELD = 1;

	/** The run stopped at a held task; releasing the hold starts the next run. */
	private static final int PARKED = 2;

	private final Executor delegate;

	/** The queue; a deque so that a call can be put first ({@link #executeNext}). */
	private final Deque<Runnable> tasks = new ConcurrentLinkedDeque<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final AtomicInteger hold = new AtomicInteger();

	private static final Runnable[] NO_HOOKS = {};

	/**
	 * Runs a task given as the argument of {@link #executeOnEventLoop(Consumer, Object)}.
	 */
	private static final Consumer<Runnable> RUN = Runnable::run;

	private final Runnable workerDrain = () -> drain(false);

	private final Runnable drainer = this::drainOnWorker;

	/** Whether this connection's worker runs took long lately. */
	private final WorkerRunHistory workerRuns = new WorkerRunHistory();

	private final DrainRun drainRun = new DrainRun();

	private final Runnable loopDrainer = () -> drain(true);

	private final Executor onEventLoop = this::executeOnEventLoop;

	/** The connection's event loop, once bound. */
	private volatile @Nullable EventExecutor eventLoop;

	/**
	 * The batch hooks in the order they were added (they run in reverse). They are added
	 * as a connection is set up and never removed: a plain array, copied on each add,
	 * costs one small object per connection and nothing per batch.
	 */
	private volatile Runnable[] batchHooks = NO_HOOKS;

	/**
	 * The thread running this executor's tasks now; cleared only by that thread: with a
	 * compare-and-set, or with a plain store while the counter keeps every other thread
	 * from starting a run ({@code endsAlone}).
	 */
	private final AtomicReference<@Nullable Thread> runner = new AtomicReference<>();

	/**
	 * Create an executor that runs its tasks on the given one.
	 * @param delegate the shared executor
	 */
	public SerialExecutor(Executor delegate) {
		this.delegate = delegate;
	}

	/**
	 * Add something to run after each batch of tasks, on the same thread. Hooks never
	 * replace each other; they run last added first, as nested scopes close: the
	 * connection's channel, set up first, flushes after whatever later parties (such as a
	 * handler's message flow) do at the end of a batch.
	 * @param hook the hook
	 */
	public synchronized void addBatchHook(Runnable hook) {
		Runnable[] hooks = Arrays.copyOf(this.batchHooks, this.batchHooks.length + 1);
		hooks[hooks.length - 1] = hook;
		this.batchHooks = hooks;
	}

	/**
	 * Bind the connection's event loop, so that tasks can be placed there. Called once,
	 * as the connection is set up.
	 * @param eventLoop the event loop of the connection's channel
	 */
	public void bindEventLoop(EventExecutor eventLoop) {
		this.eventLoop = eventLoop;
	}

	/**
	 * Run a task on the shared executor, in order with every other task of this executor.
	 * @param task the task
	 */
	@Override
	public void execute(Runnable task) {
		this.tasks.offer(task);
		if (this.pending.getAndIncrement() == 0) {
			start(false);
		}
	}

	/**
	 * Return a view that runs tasks on the bound event loop, in order with every other
	 * task of this executor, whichever home each has.
	 * @return the event-loop view
	 * @throws IllegalStateException (from its {@code execute}) when no event loop is
	 * bound
	 */
	public Executor onEventLoop() {
		return this.onEventLoop;
	}

	private void executeOnEventLoop(Runnable task) {
		executeOnEventLoop(RUN, task);
	}

	/**
	 * Run an action on the bound event loop, in order with every other task of this
	 * executor, as {@link #onEventLoop()} would run
	 * {@code () -> action.accept(argument)}. Called on the event loop while nothing is
	 * queued, running or held, it runs at once and allocates nothing: the path of every
	 * message that a handler on the event loop takes.
	 * @param <T> the argument's type
	 * @param action what to run, typically a field of the caller (made once)
	 * @param argument its argument
	 * @throws IllegalStateException when no event loop is bound
	 */
	public <T> void executeOnEventLoop(Consumer<? super T> action, T argument) {
		if (!runOnEventLoopNow(action, argument)) {
			queueOnEventLoop(() -> action.accept(argument));
		}
	}

	/**
	 * Run an action at once if it may: called on the bound event loop while nothing is
	 * queued, running or held, it runs now, in order with every other task of this
	 * executor (as {@link #executeOnEventLoop(Consumer, Object)} would run it), and this
	 * returns {@code true}; otherwise nothing runs, nothing is queued, and this returns
	 * {@code false}. For an argument that is valid only now, such as a view of a buffer
	 * that is released once the caller returns: the caller makes a lasting copy of it
	 * when the action cannot run at once.
	 * @param <T> the argument's type
	 * @param action what to run, typically a field of the caller (made once)
	 * @param argument its argument
	 * @return whether the action ran
	 * @throws IllegalStateException when no event loop is bound
	 */
	public <T> boolean runOnEventLoopNow(Consumer<? super T> action, T argument) {
		if (!eventLoop().inEventLoop() || !this.pending.compareAndSet(0, 1)) {
			return false;
		}
		// nothing queued, running or held: run it now, no hand-off
		Thread current = enter();
		boolean endedAlone = false;
		try {
			runSafely(action, argument);
			if (!parked()) {
				endedAlone = endsAlone();
				if (!endedAlone) {
					drainTasks(true, true);
				}
			}
		}
		finally {
			if (!endedAlone) {
				leave(current);
			}
		}
		return true;
	}

	/**
	 * End a run of one task at once when nothing was queued while it ran: the usual case
	 * of a message handled on the event loop, with two atomic operations in all (the
	 * start's and this) rather than a drain's three. The mark goes first: while the
	 * counter is at one, no other thread starts a run (which would set its own mark).
	 * @return whether the run ended
	 */
	private boolean endsAlone() {
		this.runner.lazySet(null);
		if (this.pending.compareAndSet(1, 0)) {
			return true;
		}
		this.runner.lazySet(Thread.currentThread());
		return false;
	}

	private void queueOnEventLoop(Runnable task) {
		this.tasks.offer(new LoopTask(task));
		if (this.pending.getAndIncrement() == 0) {
			schedule(true);
		}
	}

	/**
	 * Run a task before every queued one, on the given home: for a call that must follow
	 * the running task (or the held one) at once, such as a handler's error method.
	 * @param task the task
	 * @param onEventLoop whether it runs on the bound event loop, else on the shared
	 * executor
	 */
	public void executeNext(Runnable task, boolean onEventLoop) {
		this.tasks.offerFirst(onEventLoop ? new LoopTask(task) : task);
		if (this.pending.getAndIncrement() == 0) {
			start(onEventLoop);
		}
	}

	/**
	 * Return the bound event loop.
	 * @return the event loop
	 * @throws IllegalStateException when none is bound
	 */
	public EventExecutor eventLoop() {
		EventExecutor loop = this.eventLoop;
		if (loop == null) {
			throw new IllegalStateException("No event loop bound to this executor");
		}
		return loop;
	}

	/**
	 * Hold the queue: once the calling task returns, nothing else runs until the returned
	 * release is called (from any thread, once; later calls do nothing). Only from a
	 * running task.
	 * @return what releases the hold
	 */
	public Runnable hold() {
		this.hold.set(HELD);
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) {
				release();
			}
		};
	}

	private void release() {
		if (this.hold.getAndSet(FREE) == PARKED) {
			// the run stopped at the held task: the next one starts where the queue's
			// head belongs (on the event loop when empty, where the hooks flush replies)
			Runnable head = this.tasks.peek();
			start((head != null) ? head instanceof LoopTask : this.eventLoop != null);
		}
	}

	/**
	 * Start a run for a queue that was idle. A worker run asked for on the event loop
	 * starts once the loop has finished what it is doing (the rest of a read, the other
	 * channels that were ready), together with the other worker runs asked for meanwhile
	 * ({@link WorkerHandOff}): the frames of one pass reach the workers with one wake-up,
	 * not one per frame or connection. Nothing else starts a run meanwhile: the counter
	 * is above zero.
	 */
	private void start(boolean onLoop) {
		EventExecutor loop = this.eventLoop;
		// the hand-off refuses only while the event loop shuts down: then start at once
		if (!onLoop && loop != null && loop.inEventLoop() && WorkerHandOff.defer(loop, this.drainRun)) {
			return;
		}
		schedule(onLoop);
	}

	/**
	 * This executor's worker run as the {@link WorkerHandOff} starts it: at the end of
	 * the event loop's pass, with the others of the pass, unless runs of this connection
	 * took long lately.
	 */
	private final class DrainRun implements WorkerHandOff.Run {

		@Override
		public Executor workers() {
			return SerialExecutor.this.delegate;
		}

		@Override
		public boolean beforeHandOver() {
			// a call put first meanwhile (executeNext) may need the event loop
			if (SerialExecutor.this.tasks.peek() instanceof LoopTask) {
				schedule(true);
				return false;
			}
			return true;
		}

		@Override
		public boolean startsAlone(long now) {
			return SerialExecutor.this.workerRuns.startsAlone(now);
		}

		@Override
		public void runHere() {
			drainOnWorker();
		}

		@Override
		public void startAlone() {
			schedule(false);
		}

	}

	private void drainOnWorker() {
		this.workerRuns.run(this.workerDrain);
	}

	private void schedule(boolean onLoop) {
		try {
			if (onLoop) {
				eventLoop().execute(this.loopDrainer);
			}
			else {
				this.delegate.execute(this.drainer);
			}
		}
		catch (RejectedExecutionException ex) {
			// the worker threads are gone (the application is shutting down): drop what
			// is queued
			logger.debug("Dropping " + this.tasks.size() + " task(s): the executor was shut down");
			this.tasks.clear();
			this.pending.set(0);
		}
	}

	/**
	 * Return whether the calling thread is the one running this executor's tasks right
	 * now: a worker, or the event loop while it runs tasks placed there.
	 * @return whether called from one of its tasks
	 */
	public boolean inExecutor() {
		return this.runner.get() == Thread.currentThread();
	}

	private void drain(boolean onLoop) {
		Thread current = enter();
		try {
			drainTasks(onLoop, false);
		}
		finally {
			leave(current);
		}
	}

	private Thread enter() {
		Thread current = Thread.currentThread();
		// only the marked thread compares the mark with itself, and it sees its own
		// store: no fence needed
		this.runner.lazySet(current);
		return current;
	}

	private void leave(Thread current) {
		// another thread may already be running the next drain (after a yield, a
		// hand-off, a release, or a task that came just as this drain ended): leave its
		// mark, atomically
		this.runner.compareAndSet(current, null);
	}

	/**
	 * Run queued tasks of this home. A run that began with a task submitted on the event
	 * loop ({@code ranFirst}) leaves the hooks to its caller when it ran nothing else:
	 * that caller flushes once per read, not once per message.
	 */
	private void drainTasks(boolean onLoop, boolean ranFirst) {
		int missed = 1;
		int ran = ranFirst ? 1 : 0;
		// the hooks end a batch once, however many times the counter says to look again;
		// a run with nothing queued (after a release) still ends with them
		boolean hooksDue = !ranFirst;
		while (true) {
			Runnable task;
			while ((task = this.tasks.peek()) != null) {
				boolean loopTask = task instanceof LoopTask;
				if (loopTask != onLoop) {
					// the next call needs the other home: end the batch, hand the queue
					// over (the counter stays above zero, so no one else schedules)
					runBatchHooks();
					handOff(loopTask);
					return;
				}
				this.tasks.poll();
				runSafely(task);
				hooksDue = true;
				if (parked()) {
					return;
				}
				if (++ran == BATCH_SIZE && !this.tasks.isEmpty()) {
					runBatchHooks();
					// yield: the counter stays above zero, so no one else schedules a
					// drain meanwhile
					handOff(onLoop);
					return;
				}
			}
			if (hooksDue) {
				runBatchHooks();
				hooksDue = false;
			}
			ran = 0;
			missed = this.pending.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
	}

	/**
	 * Stop here if the task that just ran holds the queue; its release starts the next
	 * run.
	 */
	private boolean parked() {
		return this.hold.get() == HELD && this.hold.compareAndSet(HELD, PARKED);
	}

	private void handOff(boolean onLoop) {
		this.runner.compareAndSet(Thread.currentThread(), null);
		start(onLoop);
	}

	private void runBatchHooks() {
		Runnable[] hooks = this.batchHooks;
		for (int i = hooks.length - 1; i >= 0; i--) {
			runSafely(hooks[i]);
		}
	}

	private static void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			taskFailed(ex);
		}
	}

	private static <T> void runSafely(Consumer<? super T> action, T argument) {
		try {
			action.accept(argument);
		}
		catch (Throwable ex) {
			taskFailed(ex);
		}
	}

	private static void taskFailed(Throwable ex) {
		logger.error("A connection's task failed on thread '" + Thread.currentThread().getName() + "'", ex);
	}

	/** A task placed on the event loop. */
	private record LoopTask(Runnable task) implements Runnable {

		@Override
		public void run() {
			this.task.run();
		}

	}

}
