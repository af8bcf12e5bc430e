package dev.qtserver.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;

/**
 * A client that floods an echo server, for the shutdown tests of every kind: numbered
 * messages of 100 bytes, sent from a thread of their own, and the echo handlers on either
 * side of the placement rule.
 */
public final class FloodEcho {

	/** Messages a flood sends: 2 MB, far more than any buffer on the way holds. */
	public static final int MESSAGES = 20_000;

	private FloodEcho() {
	}

	/**
	 * Return the text of a numbered message: its number in eight digits, then padding to
	 * 99 characters.
	 * @param index the message's number
	 * @return the text
	 */
	public static String message(int index) {
		return String.format("%08d", index) + "x".repeat(91);
	}

	/**
	 * Send {@link #MESSAGES} numbered messages, in order, from a thread of their own.
	 * @param sender sends one message
	 * @return completes once every message is sent, or exceptionally
	 */
	public static CompletableFuture<Void> send(Sender sender) {
		return CompletableFuture.runAsync(() -> {
			try {
				for (int i = 0; i < MESSAGES; i++) {
					sender.send(message(i));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, (runnable) -> new Thread(runnable, "flood").start());
	}

	/**
	 * Return an echo handler.
	 * @param where {@code "on a worker"} or {@code "on the event loop"}
	 * @return the handler
	 */
	public static Object handler(String where) {
		return where.equals("on a worker") ? new OnWorker() : new OnEventLoop();
	}

	/** Sends one message. */
	@FunctionalInterface
	public interface Sender {

		/**
		 * Send a message.
		 * @param message the text
		 * @throws IOException when the write fails
		 */
		void send(String message) throws IOException;

	}

	/** Echoes on a worker. */
	public static class OnWorker {

		@OnMessage
		public String echo(String text) {
			return text;
		}

	}

	/** Echoes on the event loop. */
	public static class OnEventLoop {

		@OnMessage
		@NonBlocking
		public String echo(String text) {
			return text;
		}

	}

}
