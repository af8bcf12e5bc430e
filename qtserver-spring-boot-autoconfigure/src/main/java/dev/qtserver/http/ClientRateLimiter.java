package dev.qtserver.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Qt's {@code QHttpServerConfiguration::setRateLimitPerSecond}: at most so many requests
 * per client address in each second of the clock; the ones over it are answered 429.
 *
 * <p>
 * Counts are kept for the current second only: when the second changes, the next request
 * starts a new table and the old one is dropped whole, so the memory held is bounded by
 * the clients seen within one second, with no sweeping.
 */
final class ClientRateLimiter {

	private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final int perSecond;

	private final LongSupplier nanoClock;

	private volatile Window window;

	/**
	 * Create a limiter on the system's monotonic clock.
	 * @param perSecond requests each client may make in one second, positive
	 */
	ClientRateLimiter(int perSecond) {
		this(perSecond, System::nanoTime);
	}

	ClientRateLimiter(int perSecond, LongSupplier nanoClock) {
		this.perSecond = perSecond;
		this.nanoClock = nanoClock;
		this.window = new Window(second());
	}

	/**
	 * Count a request of a client.
	 * @param client the client's address (an {@code InetAddress}, or its text when
	 * unresolved)
	 * @return whether the request is within the limit
	 */
	boolean tryAcquire(Object client) {
		return current().counts.computeIfAbsent(client, (key) -> new AtomicInteger())
			.incrementAndGet() <= this.perSecond;
	}

	private Window current() {
		long second = second();
		Window window = this.window;
		if (window.second >= second) {
			// a caller that read the clock just before the second changed counts in the
			// new window: never set an older one back
			return window;
		}
		synchronized (this) {
			window = this.window;
			if (window.second < second) {
				window = new Window(second);
				this.window = window;
			}
			return window;
		}
	}

	private long second() {
		return Math.floorDiv(this.nanoClock.getAsLong(), NANOS_PER_SECOND);
	}

	private static final class Window {

		final long second;

		final ConcurrentHashMap<Object, AtomicInteger> counts = new ConcurrentHashMap<>();

		Window(long second) {
			this.second = second;
		}

	}

}
