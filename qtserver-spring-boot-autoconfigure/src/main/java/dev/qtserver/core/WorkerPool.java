package dev.qtserver.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The threads that run user code (handler methods, event listeners) so that it never runs
 * on a Netty event loop. Each connection uses it through its own {@link SerialExecutor},
 * so one connection's work stays in order and a blocking handler holds only one thread.
 *
 * <p>
 * Deliberately not an {@link Executor} bean type, so that it does not stand in for the
 * application's own task executor.
 */
public final class WorkerPool implements AutoCloseable {

	private final Executor executor;

	private WorkerPool(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Create a pool of platform threads, started as needed and retired after a minute
	 * idle.
	 * @param maxThreads how many threads may run handler code at once
	 * @param threadNamePrefix prefix of the thread names
	 * @return the pool
	 */
	public static WorkerPool platformThreads(int maxThreads, String threadNamePrefix) {
		IdleFirstQueue queue = new IdleFirstQueue();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, queue,
				new NamedThreadFactory(threadNamePrefix), (task, pool) -> queue.enqueue(task));
		queue.pool = executor;
		return new WorkerPool(executor);
	}

	/**
	 * Use an existing executor, such as one that starts a virtual thread per task.
	 * @param executor the executor; the pool shuts it down on close if it is an
	 * {@link ExecutorService}
	 * @return the pool
	 */
	public static WorkerPool of(Executor executor) {
		return new WorkerPool(executor);
	}

	/**
	 * Return the executor to run tasks on.
	 * @return the executor
	 */
	public Executor executor() {
		return this.executor;
	}

	@Override
	public void close() {
		if (this.executor instanceof ExecutorService service) {
			// queued work (close events of the last connections) still runs
			service.shutdown();
			try {
				service.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		else if (this.executor instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not close the worker executor", ex);
			}
		}
	}

	/**
	 * Hands a task to an idle thread when there is one, starts a new thread (up to the
	 * maximum) when every thread is busy, and queues only beyond that. A plain pool would
	 * either start a thread per task up to its core size, time-slicing one core between
	 * dozens of threads, or queue behind a blocked handler while threads are allowed to
	 * grow.
	 */
	private static final class IdleFirstQueue extends LinkedTransferQueue<Runnable> {

		private volatile @Nullable ThreadPoolExecutor pool;

		@Override
		public boolean offer(Runnable task) {
			if (tryTransfer(task)) {
				return true;
			}
			ThreadPoolExecutor executor = this.pool;
			if (executor != null && executor.getPoolSize() < executor.getMaximumPoolSize()) {
				// refuse, so that the pool starts another thread
				return false;
			}
			return super.offer(task);
		}

		void enqueue(Runnable task) {
			super.offer(task);
		}

	}

	private static final class NamedThreadFactory implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		NamedThreadFactory(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
