package dev.qtserver.core;

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

}
