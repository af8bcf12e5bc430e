package dev.qtserver.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A delegate that queues what it is given until the test runs it on its own thread, so
 * that when each run starts is decided by the test. What it is given while it runs queues
 * behind, and {@link #runAll()} runs that too.
 */
final class ManualExecutor implements Executor {

	private final Deque<Runnable> queue = new ArrayDeque<>();

	private int ran;

	private volatile boolean rejecting;

	@Override
	public synchronized void execute(Runnable command) {
		if (this.rejecting) {
			throw new RejectedExecutionException("shut down");
		}
		this.queue.addLast(command);
	}

	/**
	 * Refuse what it is given from now on, as a pool that was shut down, or accept it
	 * again.
	 * @param rejecting whether to refuse
	 */
	void rejecting(boolean rejecting) {
		this.rejecting = rejecting;
	}

	synchronized int queued() {
		return this.queue.size();
	}

	int ran() {
		return this.ran;
	}

	void runAll() {
		Runnable next;
		while ((next = poll()) != null) {
			this.ran++;
			next.run();
		}
	}

	void runNextThenReject() {
		Runnable next = poll();
		assertThat(next).isNotNull();
		this.rejecting = true;
		this.ran++;
		next.run();
	}

	private synchronized @Nullable Runnable poll() {
		return this.queue.pollFirst();
	}

}
