package dev.qtserver.core;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Collects what one thread writes to a connection between two flushes. A connection has
 * two: its worker's, handed to the event loop in a single task that writes everything and
 * flushes once (writing from a worker thread message by message would cost a task and
 * possibly a wake-up of the event loop each), and its event loop's, written by the loop
 * itself before anything else goes out ({@link #writeHere()}). Each is used by one thread
 * only, so it needs no locking.
 *
 * <p>
 * Small byte buffers that follow each other, with nobody waiting for their write, are
 * copied into one buffer: the event loop then writes one buffer, not one per reply (a
 * pipeline pass, an outbound entry and a release each). On the event loop this matters
 * most: its flushes come at the end of its pass over the ready connections, so without
 * the copy a pass holds every reply of every connection at once, more than Netty's
 * per-thread recycler keeps (each buffer beyond costs a thread-state check when it is
 * released); a received frame written back (a {@code ByteBuffer} view) is copied too,
 * which costs less than writing and releasing each slice of the read buffer. Bytes on a
 * byte stream are the same whether written in one buffer or several, and the connection's
 * frames are encoded before they reach the outbox: TCP's framing, and a WebSocket
 * session's frames as wire bytes (one whole frame per buffer) when no extension is in
 * use. Frame objects (a compressed session's) are not bare buffers and stay one write
 * each, as do buffers over {@value #MAX_COPIED} bytes.
 */
public final class Outbox {

	/** A reply larger than this is written as it is, not copied. */
	static final int MAX_COPIED = 1024;

	/** A batch's shared buffer is closed at this size and another one started. */
	static final int MAX_SHARED = 64 * 1024;

	private final Channel channel;

	private final Writer writer;

	private List<Entry> entries = new ArrayList<>();

	/** The small buffers added last, one buffer by now once there were two. */
	private @Nullable ByteBuf shared;

	private int sharedMessages;

	/** Bytes of the buffers queued since the last write. */
	private long queuedBytes;

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
		if (message instanceof ByteBuf buffer) {
			int size = buffer.readableBytes();
			this.queuedBytes += size;
			if (written == null && size <= MAX_COPIED) {
				share(buffer);
				return;
			}
		}
		closeShared();
		this.entries.add(new Entry(message, 1, written));
	}

	/** Add a small buffer to the shared one. */
	private void share(ByteBuf buffer) {
		ByteBuf target = this.shared;
		if (target != null && target.readableBytes() + buffer.readableBytes() > MAX_SHARED) {
			closeShared();
			target = null;
		}
		if (target == null) {
			// alone it is written as it is: nothing to copy yet
			this.shared = buffer;
			this.sharedMessages = 1;
			return;
		}
		try {
			if (this.sharedMessages == 1) {
				ByteBuf first = target;
				int size = first.readableBytes() + buffer.readableBytes();
				target = this.channel.alloc().ioBuffer(Math.min(MAX_SHARED, Math.max(MAX_COPIED, 4 * size)));
				this.shared = target;
				try {
					target.writeBytes(first);
				}
				finally {
					first.release();
				}
			}
			target.writeBytes(buffer);
			this.sharedMessages++;
		}
		finally {
			buffer.release();
		}
	}

	private void closeShared() {
		ByteBuf target = this.shared;
		if (target != null) {
			this.entries.add(new Entry(target, this.sharedMessages, null));
			this.shared = null;
			this.sharedMessages = 0;
		}
	}

	/**
	 * Write and flush everything queued, in one event-loop task.
	 */
	public void flush() {
		List<Entry> batch = takeQueued();
		if (batch.isEmpty()) {
			return;
		}
		try {
			this.channel.eventLoop().execute(() -> writeAll(batch));
		}
		catch (RuntimeException ex) {
			// the channel left its event loop (closed) or the loop is shutting down
			batch.forEach((entry) -> entry.discard(ex));
		}
	}

	/**
	 * Write everything queued, without flushing, on the calling thread: for an outbox
	 * that the event loop fills itself.
	 */
	public void writeHere() {
		// the writer may queue more (a reply written as a write completes): it goes to a
		// fresh list, written by the next call
		writeEach(takeQueued());
	}

	/**
	 * Return how many bytes of buffers are queued.
	 * @return the bytes queued since the last write
	 */
	public long queuedBytes() {
		return this.queuedBytes;
	}

	/**
	 * Release everything queued: the channel closed before it was written.
	 */
	public void discard() {
		List<Entry> batch = takeQueued();
		if (!batch.isEmpty()) {
			ClosedChannelException closed = new ClosedChannelException();
			batch.forEach((entry) -> entry.discard(closed));
		}
	}

	/** Take what is queued, the shared buffer included, and start afresh. */
	private List<Entry> takeQueued() {
		closeShared();
		List<Entry> batch = this.entries;
		if (!batch.isEmpty()) {
			this.entries = new ArrayList<>(batch.size());
			this.queuedBytes = 0;
		}
		return batch;
	}

	private void writeAll(List<Entry> batch) {
		writeEach(batch);
		this.channel.flush();
	}

	private void writeEach(List<Entry> batch) {
		for (Entry entry : batch) {
			this.writer.write(entry.message, entry.messages, entry.written);
		}
	}

	/**
	 * Writes one message to the channel without flushing, on its event loop.
	 */
	@FunctionalInterface
	public interface Writer {

		/**
		 * Write a message, or release it (and fail its future) when it cannot be.
		 * @param message the message, owned by the writer from now on
		 * @param messages how many replies it holds: more than one when small buffers
		 * were written as one
		 * @param written to complete once the message is written, or exceptionally; may
		 * be {@code null}
		 */
		void write(Object message, int messages, @Nullable CompletableFuture<Void> written);

	}

	private record Entry(Object message, int messages, @Nullable CompletableFuture<Void> written) {

		void discard(Throwable cause) {
			ReferenceCountUtil.safeRelease(this.message);
			if (this.written != null) {
				this.written.completeExceptionally(cause);
			}
		}

	}

}
