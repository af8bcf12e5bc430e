package dev.qtserver.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Collects what a connection's worker writes during one batch and hands it to the event
 * loop in a single task that writes everything and flushes once. Writing from a worker
 * thread message by message would cost a task and possibly a wake-up of the event loop
 * each; batching keeps the hand-off cheap. Only the connection's serial worker uses it,
 * so it needs no locking.
 */
public final class Outbox {

	private final Channel channel;

	private final Writer writer;

	private List<Entry> entries = new ArrayList<>();

	/**
	 * Create an outbox for a channel.
	 * @param channel the connection's channel
	 * @param writer writes each message to the channel, on its event loop, in order; not
	 * given messages discarded before they reached the event loop
	 */
	public Outbox(Channel channel, Writer writer) {
		this.channel = channel;
		this.writer = writer;
	}

	/**
	 * Queue a message for the next {@link #flush()}.
	 * @param message an encoded message (a buffer or frame), owned by the outbox from now
	 * on
	 * @param written completed once the message is written, or exceptionally; may be
	 * {@code null}
	 */
	public void add(Object message, @Nullable CompletableFuture<Void> written) {
		this.entries.add(new Entry(message, written));
	}

	/**
	 * Write and flush everything queued, in one event-loop task.
	 */
	public void flush() {
		if (this.entries.isEmpty()) {
			return;
		}
		List<Entry> batch = this.entries;
		this.entries = new ArrayList<>(batch.size());
		try {
			this.channel.eventLoop().execute(() -> writeAll(batch));
		}
		catch (RuntimeException ex) {
			// the channel left its event loop (closed) or the loop is shutting down
			batch.forEach((entry) -> entry.discard(ex));
		}
	}

	private void writeAll(List<Entry> batch) {
		for (Entry entry : batch) {
			this.writer.write(entry.message, entry.written);
		}
		this.channel.flush();
	}

	/**
	 * Writes one message to the channel without flushing, on its event loop.
	 */
	@FunctionalInterface
	public interface Writer {

		/**
		 * Write a message, or release it (and fail its future) when it cannot be.
		 * @param message the message, owned by the writer from now on
		 * @param written to complete once the message is written, or exceptionally; may
		 * be {@code null}
		 */
		void write(Object message, @Nullable CompletableFuture<Void> written);

	}

	private record Entry(Object message, @Nullable CompletableFuture<Void> written) {

		void discard(Throwable cause) {
			ReferenceCountUtil.safeRelease(this.message);
			if (this.written != null) {
				this.written.completeExceptionally(cause);
			}
		}

	}

}
