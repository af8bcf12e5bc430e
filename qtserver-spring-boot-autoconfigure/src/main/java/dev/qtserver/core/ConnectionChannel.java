package dev.qtserver.core;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * The writing side of one accepted connection, whatever its protocol: sends from any
 * thread, replies batched on the connection's worker ({@link Outbox}) or written straight
 * on the event loop, and the care a closed channel needs (Netty refuses writes to a
 * channel that left its event loop by throwing, before it owns the message, so the
 * message is released here).
 *
 * <p>
 * It is also the one place where messages sent are counted: each message
 * ({@link #send(Object)}, {@link #write(Object)}) once it is handed to the open channel
 * on its event loop, whichever path it took; one that reaches a channel already closed is
 * released, not counted. Counting at the hand-over, not when the socket took the bytes,
 * lets a reply go out without a promise and a listener of its own, as Reactor Netty's own
 * sends do: a message still queued in the channel when it closes counts although it never
 * left. Control frames ({@link #sendControl(Object)}) and the last write of a close are
 * not messages.
 */
public final class ConnectionChannel {

	private final Connection connection;

	private final ConnectionState state;

	private final ServerStatistics statistics;

	private final Outbox outbox;

	/**
	 * What the event loop writes between two flushes: small buffers are copied into one,
	 * so a pass that answers many messages before its flushes (they come at its end)
	 * holds one buffer per connection rather than one per reply. Written before anything
	 * else goes out.
	 */
	private final Outbox loopOutbox;

	private final InetSocketAddress peerAddress;

	private final InetSocketAddress localAddress;

	/**
	 * The promise of every write nobody waits for: it ignores the outcome, so a failed
	 * write (the channel closed meanwhile) is not reported to the pipeline as an error.
	 */
	private final ChannelPromise unwatched;

	/**
	 * Wrap an accepted connection.
	 * @param connection the Reactor Netty connection
	 * @param state the connection's bookkeeping
	 * @param statistics the server's statistics, where sent messages are counted
	 */
	public ConnectionChannel(Connection connection, ConnectionState state, ServerStatistics statistics) {
		this.connection = connection;
		this.state = state;
		this.statistics = statistics;
		this.unwatched = new VoidChannelPromise(connection.channel(), false);
		this.loopOutbox = new Outbox(connection.channel(), this::writeMessage);
		this.outbox = new Outbox(connection.channel(), this::writeAfterLoopReplies);
		// what the event loop queued is released if the connection closes first
		connection.channel().closeFuture().addListener((future) -> this.loopOutbox.discard());
		this.peerAddress = (InetSocketAddress) connection.channel().remoteAddress();
		this.localAddress = (InetSocketAddress) connection.channel().localAddress();
		// the channel itself ends each of the worker's batches with a flush, so what was
		// written during the batch goes out together; added first, it runs after any
		// hook added later
		state.executor().addBatchHook(this.outbox::flush);
		// handler calls placed on the event loop run there, in order with the worker's
		state.executor().bindEventLoop(connection.channel().eventLoop());
	}

	/**
	 * Return the Reactor Netty connection.
	 * @return the connection
	 */
	public Connection connection() {
		return this.connection;
	}

	/**
	 * Return the peer's address, as it was when the connection was accepted.
	 * @return the remote address
	 */
	public InetSocketAddress peerAddress() {
		return this.peerAddress;
	}

	/**
	 * Return the local address the connection was accepted on.
	 * @return the local address
	 */
	public InetSocketAddress localAddress() {
		return this.localAddress;
	}

	/**
	 * Return whether the channel is open.
	 * @return whether active
	 */
	public boolean isActive() {
		return this.connection.channel().isActive();
	}

	/**
	 * Return whether the channel can take more writes without buffering too much. On the
	 * event loop, what it queued counts: once that is more than the channel takes before
	 * it turns unwritable, it is handed to the channel (flushed later), so a peer that
	 * does not read stops the reading as soon as it did when replies went to the channel
	 * at once.
	 * @return whether writable
	 */
	public boolean isWritable() {
		Channel channel = this.connection.channel();
		if (EventLoops.inEventLoop(channel) && this.loopOutbox.queuedBytes() > channel.bytesBeforeUnwritable()) {
			this.loopOutbox.writeHere();
		}
		return channel.isWritable();
	}

	/**
	 * Send an encoded message and flush it, from any thread. On the connection's worker
	 * it joins the current batch, so it keeps its order with the batch's replies.
	 * @param message the encoded message, owned by the channel from now on
	 * @return completes once written, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(Object message) {
		CompletableFuture<Void> written = new CompletableFuture<>();
		if (onWorker()) {
			// behind the replies already batched, and flushed now, so a handler may wait
			// for it
			this.outbox.add(message, written);
			this.outbox.flush();
			return written;
		}
		if (EventLoops.inEventLoop(this.connection.channel())) {
			this.loopOutbox.writeHere();
			writeMessage(message, 1, written);
			this.connection.channel().flush();
			return written;
		}
		return writeAndFlush(message, true, written);
	}

	/**
	 * Send something that is not a message, such as a WebSocket ping, and flush it, from
	 * any thread; it is not counted as a message sent. It does not wait for the replies
	 * batched on the connection's worker: control frames may come between messages.
	 * @param frame the encoded frame, owned by the channel from now on
	 * @return completes once written, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> sendControl(Object frame) {
		return writeAndFlush(frame, false, new CompletableFuture<>());
	}

	private CompletableFuture<Void> writeAndFlush(Object message, boolean counted, CompletableFuture<Void> written) {
		ChannelFuture future = writeOrRelease(message, true);
		if (future == null) {
			written.completeExceptionally(new ClosedChannelException());
			return written;
		}
		if (counted) {
			// handed over from another thread: it reached the channel only if the write
			// did
			future.addListener((ChannelFuture done) -> {
				if (done.isSuccess()) {
					this.statistics.messageSent();
				}
			});
		}
		future.addListener((ChannelFuture done) -> complete(written, done));
		return written;
	}

	/**
	 * Write a reply without flushing: into the event loop's outbox on the loop (written
	 * at its next flush, before anything else), into the worker's outbox on the
	 * connection's worker. Only from one of those two threads.
	 * @param message the encoded message, owned by the channel from now on
	 */
	public void write(Object message) {
		Channel channel = this.connection.channel();
		if (EventLoops.inEventLoop(channel)) {
			if (!channel.isActive()) {
				// closed: its queue was released already, and this would never be written
				ReferenceCountUtil.safeRelease(message);
				return;
			}
			this.loopOutbox.add(message, null);
		}
		else {
			this.outbox.add(message, null);
		}
	}

	/** A worker's reply, on the event loop: behind what the loop wrote before it. */
	private void writeAfterLoopReplies(Object message, int messages, @Nullable CompletableFuture<Void> written) {
		this.loopOutbox.writeHere();
		writeMessage(message, messages, written);
	}

	/**
	 * Hand a message to the channel, on its event loop, and count it; release it instead
	 * when the channel is closed. Only a message someone waits for gets a promise.
	 */
	private void writeMessage(Object message, int messages, @Nullable CompletableFuture<Void> written) {
		Channel channel = this.connection.channel();
		if (!channel.isActive()) {
			ReferenceCountUtil.safeRelease(message);
			if (written != null) {
				written.completeExceptionally(new ClosedChannelException());
			}
			return;
		}
		this.statistics.messagesSent(messages);
		if (written == null) {
			channel.write(message, this.unwatched);
			return;
		}
		channel.write(message).addListener((ChannelFuture done) -> complete(written, done));
	}

	private static void complete(CompletableFuture<Void> written, ChannelFuture done) {
		if (done.isSuccess()) {
			written.complete(null);
		}
		else {
			written.completeExceptionally(done.cause());
		}
	}

	/**
	 * Flush what {@link #write(Object)} wrote, from the same thread.
	 */
	public void flush() {
		Channel channel = this.connection.channel();
		if (EventLoops.inEventLoop(channel)) {
			this.loopOutbox.writeHere();
			channel.flush();
		}
		else {
			this.outbox.flush();
		}
	}

	/**
	 * Write a last message (or an empty buffer), then close once it is flushed. On the
	 * worker, the batch written so far goes first.
	 * @param message the last message
	 * @return the write's future, or {@code null} when the channel is already gone
	 */
	public @Nullable ChannelFuture writeLast(Object message) {
		if (onWorker()) {
			this.outbox.flush();
		}
		return writeOrRelease(message, true);
	}

	/**
	 * Flush what was written, then close.
	 * @param last the last message (such as an empty buffer)
	 */
	public void closeAfter(Object last) {
		ChannelFuture flushed = writeLast(last);
		if (flushed != null) {
			flushed.addListener(ChannelFutureListener.CLOSE);
		}
	}

	/**
	 * Return a {@link Mono} that completes when the connection has closed.
	 * @return completes on close
	 */
	public Mono<Void> onClose() {
		return this.connection.onDispose();
	}

	/**
	 * Run a callback once the channel has closed, on its event loop.
	 * @param callback what to run
	 */
	public void whenClosed(Runnable callback) {
		this.connection.channel().closeFuture().addListener((future) -> callback.run());
	}

	/**
	 * Wait until the connection has closed; refuses to run on an event loop.
	 * @param operation the caller's name, for the refusal
	 * @param timeout how long to wait
	 * @return whether it closed in time
	 */
	public boolean awaitClose(String operation, Duration timeout) {
		EventLoops.assertBlockingAllowed(operation);
		return this.connection.channel().closeFuture().awaitUninterruptibly(timeout.toMillis());
	}

	/**
	 * Close at once, without flushing; also a connection whose close lingers.
	 */
	public void abort() {
		Channel channel = this.connection.channel();
		if (LingeringClose.isInstalled(channel)) {
			LingeringClose.cut(channel);
		}
		else {
			this.connection.dispose();
		}
	}

	/**
	 * Make the connection's coming close a lingering one ({@link LingeringClose}).
	 */
	public void lingerOnClose() {
		Channel channel = this.connection.channel();
		// before the close, which reaches the event loop later
		EventLoops.execute(channel, () -> LingeringClose.install(channel));
	}

	/**
	 * Whether the caller is the connection's serial worker, whose writes go through the
	 * outbox; its tasks placed on the event loop write straight to the channel.
	 */
	private boolean onWorker() {
		return this.state.executor().inExecutor() && !EventLoops.inEventLoop(this.connection.channel());
	}

	/**
	 * Write to the channel behind what the event loop queued; from another thread, on the
	 * event loop, as Netty would.
	 */
	private @Nullable ChannelFuture writeOrRelease(Object message, boolean flush) {
		Channel channel = this.connection.channel();
		if (EventLoops.inEventLoop(channel)) {
			this.loopOutbox.writeHere();
			return flush ? channel.writeAndFlush(message) : channel.write(message);
		}
		ChannelPromise promise = channel.newPromise();
		try {
			channel.eventLoop().execute(() -> {
				this.loopOutbox.writeHere();
				if (flush) {
					channel.writeAndFlush(message, promise);
				}
				else {
					channel.write(message, promise);
				}
			});
		}
		catch (RejectedExecutionException | IllegalStateException ex) {
			// the channel left its event loop (closed), or the loop is shutting down
			ReferenceCountUtil.safeRelease(message);
			return null;
		}
		return promise;
	}

}
