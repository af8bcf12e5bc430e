package dev.qtserver.core;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
 */
public final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private static final int BATCH_SIZE = 256;

	private final Executor delegate;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pending = new AtomicInteger();

	private static final Runnable[] NO_HOOKS = {};

	private final Runnable drainer = this::drain;

	/**
	 * The batch hooks in the order they were added (they run in reverse). They are added
	 * as a connection is set up and never removed: a plain array, copied on each add,
	 * costs one small object per connection and nothing per batch.
	 */
	private volatile Runnable[] batchHooks = NO_HOOKS;

	/**
	 * The thread running this executor's tasks now; cleared only by that thread
	 * (compare-and-set).
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

	@Override
	public void execute(Runnable task) {
		this.tasks.offer(task);
		if (this.pending.getAndIncrement() == 0) {
			schedule();
		}
	}

	private void schedule() {
		try {
			this.delegate.execute(this.drainer);
		}
		catch (RejectedExecutionException ex) {
			// the worker threads are gone (the application is shutting down): drop what
			// is queued
			logger.debug("Dropping " + this.tasks.size() + " task(s): the worker executor was shut down");
			this.tasks.clear();
			this.pending.set(0);
		}
	}

	/**
	 * Return whether the calling thread is the one running this executor's tasks right
	 * now.
	 * @return whether called from one of its tasks
	 */
	public boolean inExecutor() {
		return this.runner.get() == Thread.currentThread();
	}

	private void drain() {
		Thread current = Thread.currentThread();
		this.runner.set(current);
		try {
			drainTasks();
		}
		finally {
			// another thread may already be running the next drain (after a yield, or a
			// task that came just as this drain ended): leave its mark, atomically
			this.runner.compareAndSet(current, null);
		}
	}

	private void drainTasks() {
		int missed = 1;
		int ran = 0;
		while (true) {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				runSafely(task);
				if (++ran == BATCH_SIZE) {
					runBatchHooks();
					// yield: the counter stays above zero, so no one else schedules a
					// drain meanwhile
					this.runner.compareAndSet(Thread.currentThread(), null);
					schedule();
					return;
				}
			}
			runBatchHooks();
			ran = 0;
			missed = this.pending.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
		}
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
			logger.error("Task failed on a qtserver worker thread", ex);
		}
	}

}
