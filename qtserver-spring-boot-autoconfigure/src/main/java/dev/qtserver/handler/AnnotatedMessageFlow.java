package dev.qtserver.handler;

import java.lang.annotation.Annotation;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.qtserver.core.BlockedThreadChecker;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.HandlerCall;
import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.core.HandlerCallObserver.ObservedCall;
import dev.qtserver.core.ManagedConnection;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.SerialExecutor;
import io.netty.buffer.EmptyByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs an annotated handler on one connection, whatever its protocol. Frames arrive on
 * the event loop and are decoded there (while the buffer is valid); each handler method
 * then runs where {@link ExecutionPlacement} placed it: on the event loop, or on a worker
 * so that it may block without stalling other connections.
 *
 * <p>
 * Order: every call of one connection ({@code @OnConnect}, each message,
 * {@code @OnError}, {@code @OnDisconnect}) is a task of the connection's
 * {@link SerialExecutor}, placed on the worker or on the event loop; the executor keeps
 * one queue for both, so calls run one at a time and in order whatever mix of threads
 * they need. A call on the event loop that returns a {@code Publisher} or
 * {@code CompletionStage} holds that queue until the reply completes: its items are
 * written in order as they come, and the next message waits, without any thread waiting.
 * On a worker such a reply is drained by blocking the worker.
 *
 * <p>
 * Backpressure: at most {@value #PREFETCH} messages are in flight per connection; more
 * are read only as the handler works through them, and only while the connection can take
 * the replies. Frames taken straight from the pipeline ({@link #takeFrame(Object)}) are
 * handled within their read, and only while the connection can take the replies; once it
 * cannot, frames go through the inbound stream, whose demand stops the reading. An
 * event-loop reply's items are requested one at a time, while the connection can take
 * them.
 *
 * <p>
 * Views: where the transport offers them ({@link MessageTransport#viewsFrames()}), a
 * message handled on the event loop at once, as its frame arrives, gets a view of the
 * frame's bytes instead of a copy ({@link FrameView}); one that has to wait its turn
 * (behind a reply still running, or other queued calls) gets a copy, as the frame is
 * released as soon as it has been delivered.
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

	private final QtServer server;

	/** Observes the calls other than messages, if any. */
	private final @Nullable HandlerCallObserver observer;

	/** Observes messages: only when asked for, as it costs about as much as a message. */
	private final @Nullable HandlerCallObserver messageObserver;

	/** Where {@code @OnMessage} calls (and what keeps their order) run. */
	private final Executor messageTasks;

	private final boolean messagesOnLoop;

	/**
	 * The frame the message being handled views, if any; only where messages handled at
	 * once on the event loop get views of their frames, else {@code null}, and replies go
	 * straight to the transport.
	 */
	private final @Nullable FrameView frameView;

	/**
	 * Handles one message; made once, so the event loop's path allocates nothing for it.
	 */
	private final Consumer<Object> messageHandling = this::handleMessage;

	/** Handles one frame at once, on a view of it; made once, as above. */
	private final Consumer<Object> frameHandling = this::handleFrame;

	/** Handles one frame taken from the pipeline at once; made once, as above. */
	private final Consumer<Object> takenFrameHandling = this::handleTakenFrame;

	/**
	 * Whether frames may now be taken from the pipeline ({@link #takeFrame(Object)}):
	 * messages run on the event loop, the transport allows it, and the inbound stream had
	 * nothing queued once subscribed. Touched only on the event loop.
	 */
	private boolean takesFrames;

	/**
	 * Frames passed on to the inbound stream, since frames are taken, that it has not
	 * delivered yet: while any is on its way, later frames follow it there, in order.
	 * Touched only on the event loop.
	 */
	private int passedOn;

	/** Frames the inbound stream delivered; touched only on the event loop. */
	private int delivered;

	/**
	 * Messages taken from the pipeline in the current read, counted together once it
	 * completes; touched only on the event loop.
	 */
	private int takenUncounted;

	/** Calls the {@link OnMessage} method with a payload; made once, as above. */
	private final Function<@Nullable Object, @Nullable Object> messageCall;

	/** Where a failed handler call goes; made once, as above. */
	private final Consumer<Throwable> onHandlerFailure = this::handlerFailed;

	/**
	 * Messages the inbound stream delivered and the flow handled since the last request
	 * for more (frames taken from the pipeline were not asked for); touched only by its
	 * tasks.
	 */
	private int consumed;

	/**
	 * Replies written on the event loop since its last flush; a worker's replies are
	 * flushed by the connection's channel at the end of each batch.
	 */
	private boolean unflushed;

	/** Flushes the replies written on the event loop; made once, as above. */
	private final Runnable flushTask;

	/** Ends a batch (reads more, flushes); made once, as above. */
	private final Runnable batchEnd = this::afterBatch;

	/** The event-loop reply being written, if any; touched only on the event loop. */
	private @Nullable LoopReply reply;

	/**
	 * Whether the connection has closed, as the flow saw it; touched only on the event
	 * loop.
	 */
	private boolean ended;

	/**
	 * Create a flow and queue the handler's {@link OnConnect} call; subscribe it to the
	 * connection's inbound frames to start. Create it on the connection's event loop.
	 * @param handler the handler
	 * @param transport the connection's transport
	 * @param server the server the connection belongs to; its
	 * {@link QtServer#handlerCallObserver() observer}, if any, observes the calls
	 */
	public AnnotatedMessageFlow(AnnotatedHandler<C> handler, MessageTransport<C> transport, QtServer server) {
		this.handler = handler;
		this.transport = transport;
		this.connection = transport.connection();
		this.executor = this.connection.state().executor();
		this.server = server;
		this.observer = server.handlerCallObserver();
		this.messageObserver = (this.observer != null && this.observer.observes(HandlerCall.MESSAGE)) ? this.observer
				: null;
		this.messagesOnLoop = handler.runsOnEventLoop(OnMessage.class);
		this.frameView = (this.messagesOnLoop && transport.viewsFrames()) ? new FrameView(transport) : null;
		this.messageCall = (payload) -> handler.message(this.connection, payload);
		this.flushTask = transport::flush;
		this.messageTasks = tasks(OnMessage.class);
		this.executor.addBatchHook(this.batchEnd);
		tasks(OnConnect.class).execute(this::connected);
		// frames still queued unread when the connection closes are released, not left
		// behind, and a reply still being written stops
		this.connection.whenClosed(this::closed);
		this.connection.state().whenClosed(this::disconnected, tasks(OnDisconnect.class));
	}

	private Executor tasks(Class<? extends Annotation> method) {
		return this.handler.runsOnEventLoop(method) ? this.executor.onEventLoop() : this.executor;
	}

	/**
	 * Give the flow a turn to read more, for example once the connection is writable
	 * again. Called on the event loop.
	 */
	public void wakeUp() {
		LoopReply current = this.reply;
		if (current != null) {
			current.roomAgain();
		}
		this.messageTasks.execute(this.batchEnd);
	}

	/**
	 * The event loop finished a read. Messages handled on the event loop have been by
	 * now, so their replies are flushed here, once per read.
	 */
	public void readComplete() {
		if (this.takenUncounted > 0) {
			this.transport.received(this.takenUncounted);
			this.takenUncounted = 0;
		}
		if (this.messagesOnLoop) {
			this.messageTasks.execute(this.batchEnd);
		}
	}

	/**
	 * Take a frame straight from the connection's pipeline, ahead of the inbound stream,
	 * if it can be handled now: on the event loop, with nothing of the connection queued,
	 * running or held, nothing on its way through the inbound stream, and room for the
	 * replies. The handler then runs within the read, as it would on the stream's
	 * delivery, without the stream's queue and demand, and the frame's reference is the
	 * flow's (see {@link FrameView}). Otherwise the frame is the caller's, to pass on to
	 * the stream, which keeps order and backpressure as for any frame. Called by the
	 * {@link FlowEventsHandler} for each inbound message, on the event loop.
	 * @param frame the inbound message
	 * @return whether the flow took it (and its reference)
	 */
	public boolean takeFrame(Object frame) {
		// once the inbound stream has ended (an error, a cancellation) while the channel
		// stays open, frames are the stream's to drop, as it drops them
		if (!this.takesFrames || this.ended || isDisposed()) {
			return false;
		}
		// a connection that cannot take more replies leaves its frames to the stream,
		// whose demand stops the reading once the replies back up
		if (this.passedOn == 0 && !this.transport.isEndOfInput(frame) && this.transport.isWritable()
				&& this.executor.runOnEventLoopNow(this.takenFrameHandling, frame)) {
			return true;
		}
		// Reactor Netty drops empty buffers (Unpooled.EMPTY_BUFFER among them) before its
		// inbound stream: they never arrive
		if (!(frame instanceof EmptyByteBuf)) {
			this.passedOn++;
		}
		return false;
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		int before = this.delivered;
		subscription.request(PREFETCH);
		// Frames that arrived before the subscription were just delivered. If fewer than
		// asked for came, nothing is left in the stream's queue (on the event loop a
		// request delivers at once while there is demand), so from now on every frame it
		// holds is one passed on, counted: taking the next frames keeps the order.
		if (this.messagesOnLoop && this.transport.takesFramesFromPipeline() && this.executor.eventLoop().inEventLoop()
				&& this.delivered - before < PREFETCH) {
			this.takesFrames = true;
		}
		// frames that arrived before the subscription were just handled: flush them
		readComplete();
	}

	@Override
	protected void hookOnNext(Object frame) {
		this.delivered++;
		if (this.passedOn > 0) {
			this.passedOn--;
		}
		if (this.transport.isEndOfInput(frame)) {
			// the peer is done sending: what it sent is answered first, then the
			// connection closes
			this.messageTasks.execute(() -> {
				afterBatch();
				this.connection.closeWith(CloseReason.PEER_CLOSED);
			});
			return;
		}
		if (this.frameView != null && this.executor.runOnEventLoopNow(this.frameHandling, frame)) {
			// handled now, while the frame is valid, on a view of it
			return;
		}
		Object payload = this.transport.decode(frame);
		if (payload != null) {
			this.transport.received();
			if (this.messagesOnLoop) {
				this.executor.executeOnEventLoop(this.messageHandling, payload);
			}
			else {
				this.messageTasks.execute(() -> handleMessage(payload));
			}
		}
		else {
			this.messageTasks.execute(() -> this.consumed++);
		}
	}

	@Override
	protected void hookOnError(Throwable error) {
		tasks(OnError.class).execute(() -> inboundFailed(error));
	}

	private void connected() {
		call(OnConnect.class, lifecycleObserver(HandlerCall.CONNECT), (none) -> this.handler.connected(this.connection),
				null, false, this.onHandlerFailure);
	}

	private void disconnected() {
		call(OnDisconnect.class, lifecycleObserver(HandlerCall.DISCONNECT),
				(none) -> this.handler.disconnected(this.connection), null, false, (ex) -> {
					this.transport.handlerThrew();
					logger.warn("@OnDisconnect of " + this.connection + " failed", ex);
				});
	}

	private void handleMessage(Object payload) {
		this.consumed++;
		callMessage(payload);
	}

	private void callMessage(Object payload) {
		call(OnMessage.class, this.messageObserver, this.messageCall, payload, true, this.onHandlerFailure);
	}

	/**
	 * Handle a frame within its delivery, on a view of it: the view ends with the call,
	 * or with the call's reply when it outlives the call and retained the frame.
	 */
	private void handleFrame(Object frame) {
		FrameView frames = Objects.requireNonNull(this.frameView, "only flows that view frames handle them");
		// delivered by the inbound stream: counts towards the next request for more
		this.consumed++;
		Object view = frames.open(frame, false);
		if (view != null) {
			this.transport.received();
			callOnView(frames, view);
		}
	}

	/**
	 * Handle a frame taken from the pipeline ({@link #takeFrame(Object)}): it was not
	 * asked for, so it does not count towards the next request, and its reference is the
	 * flow's to release, or to give to the frame's write when it goes back as the reply.
	 */
	private void handleTakenFrame(Object frame) {
		FrameView frames = this.frameView;
		if (frames == null) {
			try {
				Object payload = this.transport.decode(frame);
				if (payload != null) {
					this.takenUncounted++;
					callMessage(payload);
				}
			}
			finally {
				ReferenceCountUtil.release(frame);
			}
			return;
		}
		Object view = null;
		try {
			view = frames.open(frame, true);
		}
		finally {
			if (view == null) {
				// no view took the frame over (skipped, or decoding failed): still ours
				ReferenceCountUtil.release(frame);
			}
		}
		if (view != null) {
			this.takenUncounted++;
			callOnView(frames, view);
		}
	}

	private void callOnView(FrameView frames, Object view) {
		try {
			callMessage(view);
		}
		finally {
			if (!frames.isKept()) {
				frames.close();
			}
		}
	}

	/**
	 * The connection closed (on the event loop): stop reading and writing. Messages
	 * already queued are still handled, but a reply they start stops at once (see
	 * {@link #replyOnLoop}).
	 */
	private void closed() {
		this.ended = true;
		cancel();
		LoopReply current = this.reply;
		if (current != null) {
			current.stop();
		}
	}

	/**
	 * A handler method failed (in its task, or when its reply failed): report it and call
	 * the {@link OnError} method next, where it runs, or close.
	 */
	private void handlerFailed(Throwable ex) {
		this.transport.handlerThrew();
		this.transport.failed(ex);
		if (!this.handler.handlesError(ex)) {
			logger.warn("Closing " + this.connection + ": its handler failed and no @OnError method takes the error",
					ex);
			this.connection.closeWith(CloseReason.HANDLER_ERROR);
			return;
		}
		this.executor.executeNext(() -> callErrorMethod(ex), this.handler.runsOnEventLoop(OnError.class));
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
		call(OnError.class, lifecycleObserver(HandlerCall.ERROR), (none) -> this.handler.error(this.connection, error),
				null, true, (ex) -> {
					this.transport.handlerThrew();
					logger.warn("Closing " + this.connection + ": its @OnError method failed", ex);
					this.connection.closeWith(CloseReason.HANDLER_ERROR);
				});
	}

	private static HandlerCall callOf(Class<? extends Annotation> method) {
		if (method == OnMessage.class) {
			return HandlerCall.MESSAGE;
		}
		if (method == OnConnect.class) {
			return HandlerCall.CONNECT;
		}
		return (method == OnDisconnect.class) ? HandlerCall.DISCONNECT : HandlerCall.ERROR;
	}

	private @Nullable HandlerCallObserver lifecycleObserver(HandlerCall call) {
		HandlerCallObserver current = this.observer;
		return (current != null && current.observes(call)) ? current : null;
	}

	/**
	 * Call a handler method in its task, on the thread it was placed on, and deal with
	 * what it returned. On the event loop the call, the subscription to its reply
	 * included, is watched by the {@link BlockedThreadChecker}. An observed call is
	 * observed from the call to the end of this task: on a worker that includes draining
	 * a reply stream; on the event loop, only the subscription to it. A reply ends with
	 * the connection, except {@code @OnDisconnect}'s: it starts once the connection has
	 * closed, and is awaited.
	 * @param method the method's annotation
	 * @param observer what observes the call, {@code null} when it is not observed
	 * @param invocation calls the method with the argument
	 * @param argument the argument of the invocation (a message's payload)
	 * @param replies whether returned values are written back (else only awaited)
	 * @param onFailure what to do when the method or its reply fails
	 */
	private void call(Class<? extends Annotation> method, @Nullable HandlerCallObserver observer,
			Function<@Nullable Object, @Nullable Object> invocation, @Nullable Object argument, boolean replies,
			Consumer<Throwable> onFailure) {
		boolean onLoop = this.handler.runsOnEventLoop(method);
		if (onLoop) {
			BlockedThreadChecker.callStarted(this.handler.describe(method));
		}
		ObservedCall observed = (observer != null)
				? observer.callStarted(this.server, callOf(method), this.handler.describe(method)) : null;
		try {
			@Nullable Object result = invocation.apply(argument);
			if (result != null) {
				boolean endsAtClose = method != OnDisconnect.class;
				if (onLoop) {
					replyOnLoop(result, replies, endsAtClose, onFailure);
				}
				else {
					replyOnWorker(result, replies, endsAtClose, onFailure);
				}
			}
		}
		catch (RuntimeException | Error ex) {
			if (observed != null) {
				observed.failed(ex);
			}
			onFailure.accept(ex);
		}
		finally {
			if (observed != null) {
				observed.end();
			}
			if (onLoop) {
				BlockedThreadChecker.callEnded();
			}
		}
		if (onLoop && method != OnMessage.class) {
			// messages flush once per read; the rare other calls at once
			flushOnLoop();
		}
	}

	private void replyOnWorker(Object result, boolean replies, boolean endsAtClose, Consumer<Throwable> onFailure) {
		if (result instanceof Fuseable.ScalarCallable<?> scalar) {
			writeScalar(scalar, replies, onFailure);
			return;
		}
		Publisher<?> stream = asPublisher(result);
		if (stream == null) {
			if (replies) {
				write(result);
			}
			return;
		}
		Flux<?> items = Flux.from(stream);
		if (endsAtClose) {
			// a stream that never ends would block the worker for good, and every call
			// of the connection behind it (@OnDisconnect too): the close cancels it
			items = items.takeUntilOther(this.connection.onClose());
		}
		// the worker may block: the next message waits for this stream, which keeps
		// order
		for (Object item : items.toIterable()) {
			if (replies) {
				write(item);
				this.transport.flush();
			}
		}
	}

	private void replyOnLoop(Object result, boolean replies, boolean endsAtClose, Consumer<Throwable> onFailure) {
		if (result instanceof Fuseable.ScalarCallable<?> scalar) {
			writeScalar(scalar, replies, onFailure);
			return;
		}
		Publisher<?> stream = asPublisher(result);
		if (stream == null) {
			if (replies) {
				write(result);
			}
			return;
		}
		// nothing of this connection runs until the reply completes; a reply that
		// completes while it is subscribed to releases the queue at once
		// a reply to a message handled on a view may use the view until it ends
		FrameView frames = this.frameView;
		LoopReply subscriber = new LoopReply(this.executor.hold(), replies, onFailure, frames != null && frames.keep());
		this.reply = subscriber;
		try {
			stream.subscribe(subscriber);
		}
		catch (RuntimeException | Error ex) {
			subscriber.failed(ex);
			return;
		}
		subscriber.subscribed();
		if (this.ended && endsAtClose) {
			// a message queued behind a reply running at the close is handled after it:
			// its reply stops as that one did, else it would hold the queue (and
			// @OnDisconnect behind it) for as long as it runs, perhaps for ever.
			// Subscribed first, so that its cancellation hooks run.
			subscriber.stop();
		}
	}

	/**
	 * A reply that holds its value already ({@code Mono.just}, {@code Mono.empty},
	 * {@code Mono.error}): written at once, as the subscription would have, without one.
	 * A failure ({@code Mono.error}) goes where a failed reply's would.
	 */
	private void writeScalar(Fuseable.ScalarCallable<?> scalar, boolean replies, Consumer<Throwable> onFailure) {
		Object value;
		try {
			value = scalar.call();
		}
		catch (Exception ex) {
			onFailure.accept(Exceptions.unwrap(ex));
			return;
		}
		if (value != null && replies) {
			write(value);
		}
	}

	private static @Nullable Publisher<?> asPublisher(Object result) {
		if (result instanceof Publisher<?> publisher) {
			return publisher;
		}
		if (result instanceof CompletionStage<?> stage) {
			return Mono.fromCompletionStage(stage);
		}
		return null;
	}

	private void write(Object payload) {
		FrameView frames = this.frameView;
		if (frames != null) {
			// a reply to a message handled on a view may be the view, and go back as its
			// frame
			frames.write(payload);
		}
		else {
			this.transport.write(payload);
		}
		this.unflushed = true;
	}

	/**
	 * Flush what the event loop wrote, as a task of the loop rather than at once: the
	 * loop runs its tasks once it has read every connection that was ready, so the
	 * connections' flushes come together at the end of its pass, as raw Reactor Netty's
	 * sends do (they write in loop tasks). Measured side by side, flushing each
	 * connection as soon as its read was handled cost 8 to 12 % more CPU per message on
	 * the TCP and WebSocket echoes, all of it in the kernel's write calls (on loopback
	 * the writer does the receiver's work too, so the timing of writes shows there).
	 */
	private void flushOnLoop() {
		if (this.unflushed && this.executor.eventLoop().inEventLoop()) {
			this.unflushed = false;
			try {
				this.executor.eventLoop().execute(this.flushTask);
			}
			catch (RejectedExecutionException ex) {
				// the event loop is shutting down, and the connection with it
			}
		}
	}

	/**
	 * After each batch of the connection's tasks, and after each read when messages run
	 * on the event loop: read more if the connection keeps up, and flush the replies
	 * written on the event loop.
	 */
	private void afterBatch() {
		if (this.consumed > 0 && this.transport.isWritable()) {
			int credit = this.consumed;
			this.consumed = 0;
			// on the event loop the request may deliver queued frames at once: they queue
			// behind this task, and the batch that runs them ends here again
			request(credit);
		}
		flushOnLoop();
	}

	/**
	 * Writes one event-loop reply: its signals are handled on the event loop, in order,
	 * whichever thread they come on; the queue is released once it completes, fails or
	 * the connection closes.
	 */
	private final class LoopReply extends BaseSubscriber<Object> {

		private final Runnable release;

		private final boolean replies;

		private final Consumer<Throwable> onFailure;

		private final EventExecutor loop = AnnotatedMessageFlow.this.executor.eventLoop();

		/** Signals handed to the event loop and not yet handled there. */
		private final AtomicInteger queued = new AtomicInteger();

		/** Whether the subscribe call returned; items before that are flushed by it. */
		private boolean async;

		private boolean waitingForRoom;

		private boolean done;

		/**
		 * Set while the reply holds the flow's frame view open (with a reference to its
		 * frame): ended once, however the reply ends.
		 */
		private final @Nullable AtomicBoolean heldView;

		LoopReply(Runnable release, boolean replies, Consumer<Throwable> onFailure, boolean holdsView) {
			this.release = release;
			this.replies = replies;
			this.onFailure = onFailure;
			this.heldView = holdsView ? new AtomicBoolean(true) : null;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(1);
		}

		@Override
		protected void hookOnNext(Object item) {
			onLoop(() -> {
				if (this.done) {
					return;
				}
				if (this.replies) {
					write(item);
					if (this.async) {
						flushOnLoop();
					}
				}
				if (AnnotatedMessageFlow.this.transport.isWritable()) {
					request(1);
				}
				else {
					this.waitingForRoom = true;
					// room comes only once what was written goes out, and the batch
					// that would flush it waits behind this reply
					flushOnLoop();
				}
			});
		}

		@Override
		protected void hookOnComplete() {
			onLoop(() -> finish(null));
		}

		@Override
		protected void hookOnError(Throwable error) {
			onLoop(() -> finish(error));
		}

		void subscribed() {
			this.async = true;
		}

		/** The connection can take writes again (on the event loop). */
		void roomAgain() {
			if (this.waitingForRoom && !this.done) {
				this.waitingForRoom = false;
				request(1);
			}
		}

		/** Subscribing failed: report it and let the queue go on. */
		void failed(Throwable error) {
			finish(error);
		}

		/** The connection closed (on the event loop): stop and let the queue go on. */
		void stop() {
			cancel();
			finish(null);
		}

		private void finish(@Nullable Throwable error) {
			if (this.done) {
				return;
			}
			this.done = true;
			if (AnnotatedMessageFlow.this.reply == this) {
				AnnotatedMessageFlow.this.reply = null;
			}
			endView();
			if (error != null) {
				this.onFailure.accept(error);
			}
			if (this.async) {
				flushOnLoop();
			}
			this.release.run();
		}

		private void onLoop(Runnable signal) {
			if (this.queued.get() == 0 && this.loop.inEventLoop()) {
				signal.run();
				return;
			}
			this.queued.incrementAndGet();
			try {
				this.loop.execute(() -> {
					this.queued.decrementAndGet();
					signal.run();
				});
			}
			catch (RejectedExecutionException ex) {
				// the event loop is shutting down: nothing more will be written
				this.done = true;
				endView();
				this.release.run();
			}
		}

		/** Let the frame view go, if this reply held it; once. */
		private void endView() {
			AtomicBoolean held = this.heldView;
			FrameView frames = AnnotatedMessageFlow.this.frameView;
			if (held != null && frames != null && held.compareAndSet(true, false)) {
				frames.close();
			}
		}

	}

}
