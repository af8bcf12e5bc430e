package dev.qtserver.core;

import java.util.concurrent.TimeUnit;

/**
 * Remembers whether the worker runs of one kind (a connection's handler calls, an HTTP
 * route's) took long lately: such runs start on threads of their own rather than with
 * others ({@link WorkerHandOff}), since a run that blocks, on a remote call say, would
 * keep the runs behind it waiting.
 */
public final class WorkerRunHistory {

	/** How long a run that took long makes the next ones start alone. */
	private static final long ALONE_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** Until when ({@link System#nanoTime()}) runs start alone; in the past at first. */
	private volatile long aloneUntil = System.nanoTime() - 1;

	/**
	 * Return whether a run should start on a thread of its own.
	 * @param now the time, from {@link System#nanoTime()}
	 * @return whether a run took long lately
	 */
	public boolean startsAlone(long now) {
		return now - this.aloneUntil < 0;
	}

	/**
	 * Run a task on the calling worker and remember whether it took long: longer than the
	 * event loop waits between two looks at a batch of runs
	 * ({@link WorkerHandOff#STEAL_AFTER_NANOS}). The time is the wall clock's: a task
	 * that waited for the CPU (a busy core, a GC pause) counts as long too, which costs
	 * only speed (its next runs start alone, as every run did before batches).
	 * @param task the task
	 */
	public void run(Runnable task) {
		long started = System.nanoTime();
		try {
			task.run();
		}
		finally {
			long ended = System.nanoTime();
			if (ended - started > WorkerHandOff.STEAL_AFTER_NANOS) {
				this.aloneUntil = ended + ALONE_NANOS;
			}
		}
	}

}
