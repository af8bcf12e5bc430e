package dev.qtserver.core;

import java.util.concurrent.RejectedExecutionException;

import reactor.core.scheduler.Schedulers;

/**
 * Guards for blocking operations: Reactor Netty's event-loop threads are non-blocking
 * threads, and a blocking call on one would stall every connection that loop serves.
 */
public final class EventLoops {

	private EventLoops() {
	}

	/**
	 * Refuse to go on when the calling thread is a Netty event loop (or any other thread
	 * that Reactor marks as non-blocking).
	 * @param operation the blocking operation, named in the exception
	 * @throws IllegalStateException when called on an event loop
	 */
	public static void assertBlockingAllowed(String operation) {
		if (Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException(operation + " blocks and cannot be called on an event loop (thread '"
					+ Thread.currentThread().getName() + "'); call it from a handler method or another worker thread");
		}
	}

	/**
	 * Return whether the calling thread is the event loop of a channel; {@code false}
	 * once the channel has closed and left its event loop.
	 * @param channel the channel
	 * @return whether on the channel's event loop
	 */
	public static boolean inEventLoop(io.netty.channel.Channel channel) {
		try {
			return channel.isRegistered() && channel.eventLoop().inEventLoop();
		}
		catch (IllegalStateException ex) {
			// deregistered meanwhile
			return false;
		}
	}

	/**
	 * Run a task on a channel's event loop: at once when called there, as a task of the
	 * loop otherwise: for tasks that mean nothing once the channel has closed. A channel
	 * that has left its loop is closed, and a loop that is shutting down takes no task
	 * (its channels close with it): either way the task is dropped.
	 * @param channel the channel
	 * @param task what to run
	 */
	public static void execute(io.netty.channel.Channel channel, Runnable task) {
		if (inEventLoop(channel)) {
			task.run();
			return;
		}
		try {
			channel.eventLoop().execute(task);
		}
		catch (RejectedExecutionException | IllegalStateException ex) {
			// closed: deregistered, or its loop is going away
		}
	}

}
