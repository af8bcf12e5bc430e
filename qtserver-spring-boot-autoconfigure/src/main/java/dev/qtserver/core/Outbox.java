package dev.qtserver.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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

	private final ChannelFutureListener eachWrite;

	private List<Entry> entries = new ArrayList<>();

	/**
	 * Create an outbox for a channel.
	 * @param channel the connection's channel
	 * @param eachWrite added to the write of every message, such as the count of messages
	 * sent; not told of messages discarded before they reached the channel
	 */
	public Outbox(Channel channel, ChannelFutureListener eachWrite) {
		this.channel = channel;
		this.eachWrite = eachWrite;
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
			ChannelFuture future = this.channel.write(entry.message).addListener(this.eachWrite);
			if (entry.written != null) {
				CompletableFuture<Void> written = entry.written;
				future.addListener((f) -> {
					if (f.isSuccess()) {
						written.complete(null);
					}
					else {
						written.completeExceptionally(f.cause());
					}
				});
			}
		}
		this.channel.flush();
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
