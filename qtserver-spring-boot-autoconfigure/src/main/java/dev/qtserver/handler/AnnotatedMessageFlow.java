package dev.qtserver.handler;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ManagedConnection;
import java.util.concurrent.Executor;

import dev.qtserver.core.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Runs an annotated handler on one connection, whatever its protocol. Frames arrive on
 * the event loop, are decoded there (while the buffer is valid) and handed to the
 * connection's serial worker, so handler methods may block without stalling other
 * connections; replies are written as they come and flushed once per batch.
 *
 * <p>
 * Backpressure: at most {@value #PREFETCH} messages are in flight per connection; more
 * are read only as the handler works through them, and only while the connection can take
 * the replies.
 *
 * @param <C> the connection type
 */
public final class AnnotatedMessageFlow<C extends ManagedConnection> extends BaseSubscriber<Object> {

	private static final Log logger = LogFactory.getLog(AnnotatedMessageFlow.class);

	/** Messages read ahead of the handler, per connection. */
	public static final int PREFETCH = 64;

	private final AnnotatedHandler<C> handler;

	private final MessageTransport<C> transport;

	private final C connection;

	private final SerialExecutor executor;

	/**
	 * Where handler calls run: the connection's serial worker, or inline on the event
	 * loop.
	 */
	private final Executor tasks;

	private final boolean onEventLoop;

	/** Messages handled since the last request for more; touched only on the worker. */
	private int consumed;

	/**
	 * Replies written since the last flush, for a handler on the event loop; on the
	 * worker, the connection's channel flushes at the end of each batch.
	 */
	private boolean unflushed;

	/**
	 * Create a flow and queue the handler's {@link OnConnect} call; subscribe it to the
	 * connection's inbound frames to start. A {@link NonBlocking} handler must be created
	 * on the connection's event loop, and then runs there.
	 * @param handler the handler
	 * @param transport the connection's transport
	 */
	public AnnotatedMessageFlow(AnnotatedHandler<C> handler, MessageTransport<C> transport) {
		this.handler = handler;
		this.transport = transport;
		this.connection = transport.connection();
		this.executor = this.connection.state().executor();
		this.onEventLoop = handler.isNonBlocking();
		this.tasks = this.onEventLoop ? Runnable::run : this.executor;
		if (!this.onEventLoop) {
			this.executor.addBatchHook(this::afterBatch);
		}
		this.tasks.execute(this::connected);
		if (this.onEventLoop) {
			afterBatch();
		}
		// frames still queued unread when the connection closes are released, not left
		// behind
		this.connection.whenClosed(this::cancel);
		this.connection.state().whenClosed(this::disconnected);
	}

	/**
	 * Give the flow a turn to read more, for example once the connection is writable
	 * again. Called on the event loop.
	 */
	public void wakeUp() {
		if (this.onEventLoop) {
			afterBatch();
		}
		else {
			this.executor.execute(() -> {
			});
		}
	}

	/**
	 * The event loop finished a read. A non-blocking handler has handled what was read by
	 * now, so its replies are flushed here, once per read.
	 */
	public void readComplete() {
		if (this.onEventLoop) {
			afterBatch();
		}
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(PREFETCH);
	}

	@Override
	protected void hookOnNext(Object frame) {
		if (this.transport.isEndOfInput(frame)) {
			// the peer is done sending: what it sent is answered first, then the
			// connection closes
			this.tasks.execute(() -> {
				afterBatch();
				this.connection.closeWith(CloseReason.PEER_CLOSED);
			});
			return;
		}
		Object payload = this.transport.decode(frame);
		if (payload != null) {
			this.transport.received();
			if (this.onEventLoop) {
				handleMessage(payload);
			}
			else {
				this.executor.execute(() -> handleMessage(payload));
			}
		}
		else {
			this.tasks.execute(() -> this.consumed++);
		}
	}

	@Override
	protected void hookOnError(Throwable error) {
		this.tasks.execute(() -> inboundFailed(error));
	}

	private void connected() {
		try {
			this.handler.connected(this.connection);
		}
		catch (RuntimeException | Error ex) {
			handlerFailed(ex);
		}
	}

	private void disconnected() {
		try {
			this.handler.disconnected(this.connection);
		}
		catch (RuntimeException | Error ex) {
			logger.warn("@OnDisconnect of " + this.connection + " failed", ex);
		}
	}

	private void handleMessage(Object payload) {
		this.consumed++;
		try {
			reply(this.handler.message(this.connection, payload));
		}
		catch (RuntimeException | Error ex) {
			handlerFailed(ex);
		}
	}

	private void handlerFailed(Throwable ex) {
		this.transport.failed(ex);
		if (!this.handler.handlesError(ex)) {
			logger.warn("Closing " + this.connection + ": its handler failed and no @OnError method takes the error",
					ex);
			this.connection.closeWith(CloseReason.HANDLER_ERROR);
			return;
		}
		callErrorMethod(ex);
	}

	/**
	 * The inbound stream failed (I/O error, protocol violation): report it and tell the
	 * handler.
	 */
	private void inboundFailed(Throwable error) {
		this.transport.inboundFailed(error);
		if (this.handler.handlesError(error)) {
			callErrorMethod(error);
		}
	}

	private void callErrorMethod(Throwable error) {
		try {
			reply(this.handler.error(this.connection, error));
		}
		catch (RuntimeException | Error ex) {
			logger.warn("Closing " + this.connection + ": its @OnError method failed", ex);
			this.connection.closeWith(CloseReason.HANDLER_ERROR);
		}
	}

	private void reply(@Nullable Object reply) {
		if (reply == null) {
			return;
		}
		if (reply instanceof Publisher<?> stream) {
			// the worker may block: the next message waits for this stream, which keeps
			// order
			for (Object item : Flux.from(stream).toIterable()) {
				write(item);
				this.transport.flush();
			}
			return;
		}
		write(reply);
	}

	private void write(Object payload) {
		this.transport.write(payload);
		this.unflushed = true;
	}

	/**
	 * After each batch (on the worker) or read (on the event loop): read more if the
	 * connection keeps up. On the event loop, then flush the replies, including those of
	 * messages the request delivered at once; on the worker, the connection's channel
	 * flushes at the end of every batch itself.
	 */
	private void afterBatch() {
		// on the event loop a request delivers queued messages at once, which are handled
		// (and counted) before it returns: ask again until the demand outlives the queue,
		// so that the connection reads from the socket again
		while (this.consumed > 0 && this.transport.isWritable()) {
			int credit = this.consumed;
			this.consumed = 0;
			request(credit);
			if (!this.onEventLoop) {
				break;
			}
		}
		if (this.onEventLoop && this.unflushed) {
			this.unflushed = false;
			this.transport.flush();
		}
	}

}
