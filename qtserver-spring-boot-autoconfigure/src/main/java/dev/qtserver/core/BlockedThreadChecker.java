package dev.qtserver.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.FastThreadLocal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Warns when a handler call on an event loop runs too long, as Vert.x's
 * {@code BlockedThreadChecker} does: such a call stalls every connection of that loop.
 * The warning names the handler method and carries the blocked thread's stack.
 *
 * <p>
 * A call costs two ordered stores to a slot of its thread ({@link #callStarted(String)},
 * {@link #callEnded()}): a call count, odd while a call runs, and no clock read, since
 * calls on an event loop are made once per message. One daemon thread per checker looks
 * at every slot four times per threshold, notes when it first saw a call running, and
 * warns once per call when it still sees the same call a threshold later: so a call is
 * reported between one and one and a half thresholds after it began. The slots belong to
 * the threads, not to a checker, so code that records calls needs no reference to one.
 */
public final class BlockedThreadChecker implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BlockedThreadChecker.class);

	/** Every thread's slot, dropped once its thread is gone. */
	private static final Queue<Slot> slots = new ConcurrentLinkedQueue<>();

	private static final FastThreadLocal<Slot> currentSlot = new FastThreadLocal<>() {

		@Override
		protected Slot initialValue() {
			Slot slot = new Slot(Thread.currentThread());
			slots.add(slot);
			return slot;
		}

	};

	private final long thresholdNanos;

	private final @Nullable Thread checker;

	private volatile boolean closed;

	private BlockedThreadChecker(Duration threshold) {
		this.thresholdNanos = threshold.toNanos();
		if (this.thresholdNanos <= 0) {
			this.checker = null;
			return;
		}
		Thread thread = new Thread(this::run, "qtserver-blocked-thread-checker");
		thread.setDaemon(true);
		this.checker = thread;
	}

	/**
	 * Start a checker.
	 * @param threshold how long a call may run before the warning; zero or negative turns
	 * the check off (no thread is started)
	 * @return the checker; close it to stop its thread
	 */
	public static BlockedThreadChecker start(Duration threshold) {
		BlockedThreadChecker checker = new BlockedThreadChecker(threshold);
		if (checker.checker != null) {
			checker.checker.start();
		}
		return checker;
	}

	/**
	 * Record that the calling thread (an event loop) starts a handler call.
	 * @param what the handler method, named in the warning
	 */
	public static void callStarted(String what) {
		Slot slot = currentSlot.get();
		// a call made from inside another (a reply completed on the loop that starts the
		// next handler) is part of the outer one: its thread is blocked since that began
		if (slot.depth++ == 0) {
			slot.what = what;
			slot.step();
		}
	}

	/**
	 * Record that the calling thread's handler call has ended.
	 */
	public static void callEnded() {
		Slot slot = currentSlot.get();
		if (slot.depth > 0 && --slot.depth == 0) {
			slot.step();
		}
	}

	/**
	 * Return how long a call may run before the warning.
	 * @return the threshold; zero or negative when the check is off
	 */
	public Duration threshold() {
		return Duration.ofNanos(this.thresholdNanos);
	}

	/**
	 * Return whether the check runs: the threshold is positive and the checker is open.
	 * @return whether calls are checked
	 */
	public boolean isActive() {
		return this.checker != null && !this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
		if (this.checker != null) {
			this.checker.interrupt();
		}
	}

	private void run() {
		long interval = Math.max(1, this.thresholdNanos / 4);
		while (!this.closed) {
			try {
				TimeUnit.NANOSECONDS.sleep(interval);
			}
			catch (InterruptedException ex) {
				return;
			}
			check(System.nanoTime());
		}
	}

	private void check(long now) {
		for (Slot slot : slots) {
			Thread thread = slot.thread.get();
			if (thread == null || !thread.isAlive()) {
				slots.remove(slot);
				continue;
			}
			long calls = slot.calls();
			String what = slot.what;
			if ((calls & 1) == 0 || slot.calls() != calls) {
				// between calls, or the call just ended
				continue;
			}
			if (slot.seenCalls != calls) {
				slot.seenCalls = calls;
				slot.seenAt = now;
			}
			else if (now - slot.seenAt >= this.thresholdNanos && slot.warnedCalls != calls) {
				slot.warnedCalls = calls;
				warn(thread, what, Duration.ofNanos(now - slot.seenAt));
			}
		}
	}

	private void warn(Thread thread, String what, Duration running) {
		BlockedThreadException stack = new BlockedThreadException(thread.getName());
		stack.setStackTrace(thread.getStackTrace());
		logger.warn("Thread '" + thread.getName() + "' has been running handler method " + what + " for at least "
				+ running.toMillis() + " ms (limit " + Duration.ofNanos(this.thresholdNanos).toMillis()
				+ " ms): it is an event loop, and every connection it serves waits; annotate the method "
				+ "@Blocking to run it on a worker", stack);
	}

	/** One thread's current handler call. */
	private static final class Slot {

		private static final VarHandle CALLS;

		static {
			try {
				CALLS = MethodHandles.lookup().findVarHandle(Slot.class, "calls", long.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final WeakReference<Thread> thread;

		/**
		 * Starts plus ends of outermost calls: odd while a call runs. Written by the
		 * slot's thread with release stores (no fence on the event loop's path), read by
		 * the checker with acquire loads, which then sees the {@link #what} of that call.
		 */
		@SuppressWarnings("unused")
		private long calls;

		/** The current call's method; published by the store to {@link #calls}. */
		private String what = "";

		/** Calls in progress, nested ones included; only the slot's thread uses it. */
		private int depth;

		/**
		 * The call the checker saw running, when it first did, and the last it warned of.
		 */
		private volatile long seenCalls;

		private volatile long seenAt;

		private volatile long warnedCalls;

		Slot(Thread thread) {
			this.thread = new WeakReference<>(thread);
		}

		/** A call starts or ends; only from the slot's thread. */
		void step() {
			CALLS.setRelease(this, (long) CALLS.get(this) + 1);
		}

		long calls() {
			return (long) CALLS.getAcquire(this);
		}

	}

	/** Carries the stack of a blocked thread into the warning. */
	static final class BlockedThreadException extends Exception {

		private static final long serialVersionUID = 1L;

		BlockedThreadException(String threadName) {
			super("Stack of thread '" + threadName + "'");
		}

	}

}
