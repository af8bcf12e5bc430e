package dev.qtserver.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Connections accepted but not yet taken by the application, in arrival order: Qt's
 * pending connection list. Thread-safe; {@link #awaitNonEmpty(Duration)} blocks.
 *
 * @param <C> the connection type
 */
public final class PendingConnectionQueue<C> {

	private final Deque<C> queue = new ArrayDeque<>();

	/**
	 * Queue a connection and wake anyone waiting for one.
	 * @param connection the accepted connection
	 */
	public synchronized void add(C connection) {
		this.queue.addLast(connection);
		notifyAll();
	}

	/**
	 * Take the oldest connection.
	 * @return the connection, or {@code null} when none is pending
	 */
	public synchronized @Nullable C poll() {
		return this.queue.pollFirst();
	}

	/**
	 * Remove a connection, for example because it closed before it was taken.
	 * @param connection the connection
	 * @return whether it was pending
	 */
	public synchronized boolean remove(C connection) {
		return this.queue.remove(connection);
	}

	/**
	 * Return whether a connection is pending.
	 * @param connection the connection
	 * @return whether it is pending
	 */
	public synchronized boolean contains(C connection) {
		return this.queue.contains(connection);
	}

	/**
	 * Return how many connections are pending.
	 * @return the number of pending connections
	 */
	public synchronized int size() {
		return this.queue.size();
	}

	/**
	 * Remove and return every pending connection.
	 * @return the connections that were pending, oldest first
	 */
	public synchronized List<C> drain() {
		List<C> drained = new ArrayList<>(this.queue);
		this.queue.clear();
		return drained;
	}

	/**
	 * Wait until a connection is pending. Blocks, so it refuses to run on an event loop.
	 * @param timeout how long to wait at most
	 * @return whether a connection is pending
	 */
	public boolean awaitNonEmpty(Duration timeout) {
		EventLoops.assertBlockingAllowed("waitForNewConnection");
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			while (this.queue.isEmpty()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				try {
					long millis = Math.max(1, remaining / 1_000_000);
					wait(millis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return !this.queue.isEmpty();
				}
			}
			return true;
		}
	}

}
