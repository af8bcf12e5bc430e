package dev.qtserver.core;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.netty.util.concurrent.EventExecutor;

/**
 * A one-off task for the workers, asked for on an event loop: an HTTP handler call, an
 * after-request hook, an upgrade verifier. It goes to the workers with the other runs of
 * the loop's pass ({@link WorkerHandOff}), or on a worker of its own when tasks of its
 * kind took long lately ({@link WorkerRunHistory}). Workers that refuse it (shut down)
 * are answered by the given refusal handler, so that a request waiting for the task is
 * still answered.
 */
public final class WorkerTask implements WorkerHandOff.Run, Runnable {

	private final Executor workers;

	private final WorkerRunHistory history;

	private final Runnable task;

	private final Consumer<RejectedExecutionException> refused;

	private WorkerTask(Executor workers, WorkerRunHistory history, Runnable task,
			Consumer<RejectedExecutionException> refused) {
		this.workers = workers;
		this.history = history;
		this.task = task;
		this.refused = refused;
	}

	/**
	 * Run a task on the workers, from an event loop's pass.
	 * @param loop the event loop the caller runs on
	 * @param workers the workers
	 * @param history how long tasks of this kind took lately
	 * @param task the task
	 * @param refused called (on the event loop, or on the thread that found the workers
	 * shut down) when the workers refuse the task
	 */
	public static void execute(EventExecutor loop, Executor workers, WorkerRunHistory history, Runnable task,
			Consumer<RejectedExecutionException> refused) {
		WorkerHandOff.execute(loop, new WorkerTask(workers, history, task, refused));
	}

	@Override
	public Executor workers() {
		return this.workers;
	}

	@Override
	public boolean startsAlone(long now) {
		return this.history.startsAlone(now);
	}

	@Override
	public void runHere() {
		this.history.run(this.task);
	}

	@Override
	public void run() {
		runHere();
	}

	@Override
	public void startAlone() {
		try {
			this.workers.execute(this);
		}
		catch (RejectedExecutionException ex) {
			this.refused.accept(ex);
		}
	}

}
