package dev.qtserver.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Hands the worker runs that one pass of an event loop asks for to the workers together:
 * one task, so one thread wakes up per pass rather than one per connection.
 *
 * <p>
 * A worker run that a {@link SerialExecutor} asks for on its event loop waits for the end
 * of the loop's pass (every connection that was ready has been read by then). The runs
 * asked for in the pass then go to the shared executor as one {@link Batch}, which drains
 * the connections one after the other. Measured on the TCP echo with the server on one
 * core, parking and waking a worker per connection and pass took more than half of the
 * server's CPU time.
 *
 * <p>
 * A handler on a worker may block, and a connection must not wait behind another one's
 * blocked handler for long. So the event loop looks at each batch it handed over every
 * {@link #STEAL_AFTER_NANOS}: if no run of the batch finished meanwhile, the one running
 * may be blocked, and the connections not started yet go to the shared executor one by
 * one, as if each had asked alone. Each connection's run is claimed once, by the batch or
 * by the event loop, so it runs once, and its serial executor keeps its order. A
 * connection whose worker run took that long lately starts its runs alone for a second
 * ({@link SerialExecutor#runsAlone(long)}): a handler that blocks on every message (a
 * remote call) would otherwise make the connections behind it wait for the look at each
 * pass.
 *
 * <p>
 * One per event loop thread, used only on it.
 */
final class WorkerHandOff implements Runnable {

	/**
	 * How long a batch may go without finishing a connection's run before the connections
	 * it has not started go to threads of their own.
	 */
	static final long STEAL_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private static final FastThreadLocal<WorkerHandOff> CURRENT = new FastThreadLocal<>();

	private final EventExecutor loop;

	/** The executors whose worker runs were asked for in this pass, in order. */
	private final List<SerialExecutor> started = new ArrayList<>();

	private WorkerHandOff(EventExecutor loop) {
		this.loop = loop;
	}

	/**
	 * Start an executor's worker run at the end of the event loop's pass, with the others
	 * started in it. Called on the event loop.
	 * @param loop the event loop (the calling thread's)
	 * @param executor the executor, whose counter keeps others from starting a run
	 * meanwhile
	 * @return whether the run will start; {@code false} when the loop is shutting down
	 */
	static boolean defer(EventExecutor loop, SerialExecutor executor) {
		WorkerHandOff handOff = CURRENT.get();
		if (handOff == null || handOff.loop != loop) {
			handOff = new WorkerHandOff(loop);
			CURRENT.set(handOff);
		}
		return handOff.add(executor);
	}

	private boolean add(SerialExecutor executor) {
		this.started.add(executor);
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
		int count = this.started.size();
		if (count == 0) {
			return;
		}
		SerialExecutor[] executors = this.started.toArray(new SerialExecutor[0]);
		this.started.clear();
		// a call put first meanwhile (executeNext) may need the event loop instead; and
		// executors of different applications may share the loop, not the workers
		// and one whose runs took long lately may block: it starts alone, as a run
		// behind it in a batch would wait
		int due = 0;
		long now = System.nanoTime();
		for (SerialExecutor executor : executors) {
			if (!executor.needsWorkerRun()) {
				continue;
			}
			if (executor.runsAlone(now)) {
				executor.startOnWorker();
			}
			else {
				executors[due++] = executor;
			}
		}
		int from = 0;
		while (from < due) {
			Executor delegate = executors[from].delegate();
			int to = from + 1;
			while (to < due && executors[to].delegate() == delegate) {
				to++;
			}
			handOver(delegate, executors, from, to);
			from = to;
		}
	}

	private void handOver(Executor delegate, SerialExecutor[] executors, int from, int to) {
		if (to - from == 1) {
			executors[from].startOnWorker();
			return;
		}
		Batch batch = new Batch(Arrays.copyOfRange(executors, from, to));
		try {
			delegate.execute(batch);
		}
		catch (RejectedExecutionException ex) {
			batch.rejected();
			return;
		}
		batch.watch();
	}

	/** The worker runs of one pass, drained one after the other on one worker. */
	private final class Batch implements Runnable {

		private final SerialExecutor[] executors;

		/** The next run to claim. */
		private final AtomicInteger next = new AtomicInteger();

		/** Runs finished; written by the worker, read by the event loop. */
		private volatile int finished;

		/** What {@link #finished} was at the event loop's last look. */
		private int seenFinished = -1;

		private final Runnable check = this::check;

		Batch(SerialExecutor[] executors) {
			this.executors = executors;
		}

		@Override
		public void run() {
			int index;
			while ((index = this.next.getAndIncrement()) < this.executors.length) {
				try {
					this.executors[index].runOnWorker();
				}
				finally {
					this.finished++;
				}
			}
		}

		/** Look at the batch once the time to steal has passed. On the event loop. */
		void watch() {
			try {
				WorkerHandOff.this.loop.schedule(this.check, STEAL_AFTER_NANOS, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the event loop is shutting down: the batch runs as it is
			}
		}

		private void check() {
			int claimed = this.next.get();
			if (claimed >= this.executors.length) {
				// every run has been claimed: nothing is waiting any more
				return;
			}
			if (claimed == 0) {
				// not started: it waits for a thread, as a run of its own would
				watch();
				return;
			}
			int finishedNow = this.finished;
			if (finishedNow != this.seenFinished) {
				this.seenFinished = finishedNow;
				watch();
				return;
			}
			// no run finished for a while: the one running may be blocked, so the rest
			// go to threads of their own
			int index;
			while ((index = this.next.getAndIncrement()) < this.executors.length) {
				this.executors[index].startOnWorker();
			}
		}

		/** The shared executor refused the batch: each run is refused as it would be. */
		void rejected() {
			int index;
			while ((index = this.next.getAndIncrement()) < this.executors.length) {
				this.executors[index].startOnWorker();
			}
		}

	}

}
