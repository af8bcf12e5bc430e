package dev.qtserver.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Hands the worker runs that one pass of an event loop asks for to the workers together:
 * one task, so one thread wakes up per pass rather than one per connection or request.
 *
 * <p>
 * A worker run asked for on an event loop (a {@link SerialExecutor}'s drain, an HTTP
 * handler call) waits for the end of the loop's pass (every connection that was ready has
 * been read by then). The runs asked for in the pass then go to the workers as one
 * {@link Batch}, which runs them one after the other. Measured with the server on one
 * core, parking and waking a worker per connection and pass took more than half of the
 * server's CPU time on the TCP echo, and half of it per request on an HTTP route.
 *
 * <p>
 * Runs that take long must not wait for each other. So the event loop looks at each batch
 * it handed over, every {@link #STEAL_AFTER_NANOS} once the batch has started:
 * <ul>
 * <li>if no run of the batch finished since the last look, the one running may be blocked
 * (a remote call), and the runs not started yet go to the workers one by one, as if each
 * had asked alone;</li>
 * <li>otherwise, while runs are left, the later half of them goes to another worker as a
 * batch of its own, watched the same way: runs that take a while each (a cache call of
 * 100 µs) spread over more threads, twice as many with each look, rather than one thread
 * per run.</li>
 * </ul>
 * A steal therefore comes one to two looks after a run blocks (on NIO loops, whose timers
 * have millisecond resolution, one to two milliseconds; for a batch that waited for a
 * thread, up to 2 ms more). Looks at a batch that has not started back off to one every 2
 * ms, and end once its workers have terminated. Each run is claimed once, by its batch or
 * by the event loop, so it runs once (and a serial executor keeps its order). Runs handed
 * out this way queue behind whatever the workers were given meanwhile. A run whose kind
 * took long lately starts alone ({@link WorkerRunHistory}): a handler that blocks on
 * every message would otherwise make the runs behind it wait for a look at each pass.
 *
 * <p>
 * One per event loop thread, used only on it.
 */
public final class WorkerHandOff implements Runnable {

	private static final Log logger = LogFactory.getLog(WorkerHandOff.class);

	/** How often the event loop looks at a batch it handed over, once it has started. */
	public static final long STEAL_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	/**
	 * The longest wait between two looks at a batch that has not started: workers that
	 * are all busy cost the event loop no more than a look every two milliseconds, and a
	 * batch that starts late is looked at again soon enough.
	 */
	private static final long UNSTARTED_LOOK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	/** How often batches are looked at; tests that run batches by hand push it out. */
	private static volatile long lookEveryNanos = STEAL_AFTER_NANOS;

	private static final FastThreadLocal<WorkerHandOff> CURRENT = new FastThreadLocal<>();

	private final EventExecutor loop;

	/** The runs asked for in this pass, in order. */
	private final List<Run> started = new ArrayList<>();

	private WorkerHandOff(EventExecutor loop) {
		this.loop = loop;
	}

	/**
	 * Run something on a worker: asked for on the event loop, at the end of its pass,
	 * with the other runs asked for in it; otherwise at once, on a worker of its own.
	 * @param loop the event loop whose pass it belongs to
	 * @param run what to run
	 */
	public static void execute(EventExecutor loop, Run run) {
		if (!loop.inEventLoop() || !defer(loop, run)) {
			run.startAlone();
		}
	}

	/**
	 * Start a run at the end of the event loop's pass, with the others started in it.
	 * Called on the event loop.
	 * @param loop the event loop (the calling thread's)
	 * @param run what to run
	 * @return whether it will start; {@code false} when the loop is shutting down
	 */
	static boolean defer(EventExecutor loop, Run run) {
		WorkerHandOff handOff = CURRENT.get();
		if (handOff == null || handOff.loop != loop) {
			handOff = new WorkerHandOff(loop);
			CURRENT.set(handOff);
		}
		return handOff.add(run);
	}

	/**
	 * Set how often the event loop looks at the batches it handed over: for tests that
	 * run batches by hand and would race the looks.
	 * @param nanos the interval
	 */
	static void lookEvery(long nanos) {
		lookEveryNanos = nanos;
	}

	private boolean add(Run run) {
		this.started.add(run);
		if (this.started.size() == 1) {
			try {
				this.loop.execute(this);
			}
			catch (RejectedExecutionException ex) {
				this.started.clear();
				return false;
			}
		}
		return true;
	}

	/** The end of the pass: hand the runs over. On the event loop. */
	@Override
	public void run() {
		if (this.started.isEmpty()) {
			return;
		}
		Run[] runs = this.started.toArray(new Run[0]);
		this.started.clear();
		int due = 0;
		long now = System.nanoTime();
		for (Run run : runs) {
			// a run may start elsewhere instead (a serial executor's queue may now need
			// the event loop)
			if (!run.beforeHandOver()) {
				continue;
			}
			// one whose kind took long lately may block: a run behind it would wait
			if (run.startsAlone(now)) {
				run.startAlone();
			}
			else {
				runs[due++] = run;
			}
		}
		// what a batch shares keeps no run that went elsewhere reachable
		Arrays.fill(runs, due, runs.length, null);
		// runs of different applications may share the loop, not the workers
		int from = 0;
		while (from < due) {
			Executor workers = runs[from].workers();
			int to = from + 1;
			while (to < due && runs[to].workers() == workers) {
				to++;
			}
			if (to - from == 1) {
				runs[from].startAlone();
			}
			else {
				new Batch(workers, runs, from, to).handOver();
			}
			from = to;
		}
	}

	/**
	 * Something to run on a worker, asked for on an event loop: a connection's drain, an
	 * HTTP handler call.
	 */
	public interface Run {

		/**
		 * Return the workers that run it.
		 * @return the workers
		 */
		Executor workers();

		/**
		 * Called at the end of the pass, on the event loop, before the runs are handed
		 * over: return whether it still goes to the workers. A run may start elsewhere
		 * instead, and then returns {@code false}.
		 * @return whether it goes to the workers
		 */
		default boolean beforeHandOver() {
			return true;
		}

		/**
		 * Return whether it should start on a thread of its own: runs of its kind took
		 * long lately, so it may block.
		 * @param now the time, from {@link System#nanoTime()}
		 * @return whether to start it alone
		 * @see WorkerRunHistory
		 */
		boolean startsAlone(long now);

		/** Run it on the calling worker. */
		void runHere();

		/**
		 * Start it on a worker of its own; a refusal of the workers (shut down) is its
		 * own to handle.
		 */
		void startAlone();

	}

	/**
	 * Runs of one pass (or the later part of them), run one after the other on one
	 * worker. A run is claimed by moving the lower bound up, and the later half of what
	 * is left is taken by moving the upper bound down; both bounds sit in one
	 * {@code long}, so each run is claimed exactly once.
	 */
	private final class Batch implements Runnable {

		private final Executor workers;

		private final Run[] runs;

		/** The first of this batch's runs. */
		private final int firstIndex;

		/**
		 * The next run to claim (high half) and the end of this batch's runs (low half).
		 */
		private final AtomicLong bounds;

		/**
		 * Runs finished; written by the one worker running the batch (so {@code ++} on
		 * the volatile is safe), read by the event loop.
		 */
		private volatile int finished;

		/** Runs finished at the event loop's last look; -1 before the first look. */
		private int seenFinished = -1;

		/** How long until the next look while the batch has not started. */
		private long unstartedLook = lookEveryNanos;

		private final Runnable look = this::look;

		Batch(Executor workers, Run[] runs, int from, int to) {
			this.workers = workers;
			this.runs = runs;
			this.firstIndex = from;
			this.bounds = new AtomicLong(bounds(from, to));
		}

		void handOver() {
			try {
				this.workers.execute(this);
			}
			catch (RejectedExecutionException ex) {
				startRestAlone();
				return;
			}
			lookLater(lookEveryNanos);
		}

		@Override
		public void run() {
			Run next;
			while ((next = claim()) != null) {
				try {
					next.runHere();
				}
				catch (Throwable ex) {
					// a run handles its own failures: this is one it could not (a
					// worker that could not be started for its next run, say); the
					// others of the batch still run
					logger.error("A worker run failed on thread '" + Thread.currentThread().getName() + "'", ex);
				}
				finally {
					this.finished++;
				}
			}
		}

		/** Claim the next run, or return {@code null} when none is left. */
		private @Nullable Run claim() {
			while (true) {
				long current = this.bounds.get();
				int next = next(current);
				int end = end(current);
				if (next >= end) {
					return null;
				}
				if (this.bounds.compareAndSet(current, bounds(next + 1, end))) {
					Run run = this.runs[next];
					// a batch that blocks keeps no closed connection reachable
					this.runs[next] = null;
					return run;
				}
			}
		}

		private void lookLater(long delayNanos) {
			try {
				WorkerHandOff.this.loop.schedule(this.look, delayNanos, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the event loop is shutting down (and cancels the looks it had): the
				// batch runs as it is
			}
		}

		/** The event loop's look at the batch. */
		private void look() {
			long current = this.bounds.get();
			int next = next(current);
			int end = end(current);
			if (next >= end) {
				// every run has been claimed: nothing waits any more
				return;
			}
			if (next == this.firstIndex) {
				// not started: it waits for a thread, as a run of its own would
				lookWhileUnstarted();
				return;
			}
			int finishedNow = this.finished;
			if (finishedNow == this.seenFinished) {
				// no run finished since the last look: the one running may be blocked, so
				// the rest go to threads of their own
				startRestAlone();
				return;
			}
			this.seenFinished = finishedNow;
			splitOff(next, end);
			lookLater(lookEveryNanos);
		}

		private void lookWhileUnstarted() {
			if (this.workers instanceof ExecutorService service && service.isTerminated()) {
				// it will never start; neither would its runs alone (a pool shut down
				// but not terminated still runs what it had queued)
				return;
			}
			this.unstartedLook = Math.min(this.unstartedLook * 2, UNSTARTED_LOOK_MAX_NANOS);
			lookLater(this.unstartedLook);
		}

		/** Hand the later half of the runs left (if two or more) to another worker. */
		private void splitOff(int next, int end) {
			int middle = next + (end - next + 1) / 2;
			if (end - middle < 1 || middle <= next) {
				return;
			}
			if (this.bounds.compareAndSet(bounds(next, end), bounds(next, middle))) {
				new Batch(this.workers, this.runs, middle, end).handOver();
			}
		}

		/**
		 * Start each run not claimed yet on a thread of its own (a refusal of the workers
		 * is then each run's own to handle).
		 */
		void startRestAlone() {
			Run run;
			while ((run = claim()) != null) {
				run.startAlone();
			}
		}

	}

	private static long bounds(int next, int end) {
		return ((long) next << 32) | (end & 0xFFFFFFFFL);
	}

	private static int next(long bounds) {
		return (int) (bounds >>> 32);
	}

	private static int end(long bounds) {
		return (int) bounds;
	}

}
