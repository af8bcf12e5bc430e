package dev.qtserver.http;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import org.reactivestreams.Subscription;

/**
 * What Reactor Netty waits on for one request: completes once the response has been
 * written (or the client has gone away). One small object per request instead of a sink
 * and three operators: a request is answered at most once, so completion and cancellation
 * only race to a single state change.
 *
 * <p>
 * Reactor Netty is told in a task of its own on the connection's event loop, never from
 * another thread nor from within its own call that handed the request over: that is when
 * it writes the last frame of a streamed response and winds the request up, and doing so
 * within that call leaves Reactor Netty 1.3.6 and 1.3.7 unable to read the connection's
 * next request when it had queued that request (reactor/reactor-netty#4361; see
 * {@link QHttpServerResponder}). The exception is a request that {@link InlineAnswers}
 * lets be answered within that call, and that was: it is told at once.
 */
final class ResponseCompletion extends Mono<Void> implements Subscription {

	private static final int WAITING = 0;

	private static final int DONE = 1;

	private static final int CANCELLED = 2;

	private final AtomicInteger state = new AtomicInteger(WAITING);

	private final EventLoop eventLoop;

	private final Runnable onCancel;

	private final Runnable onFinally;

	private volatile @Nullable CoreSubscriber<? super Void> subscriber;

	private final AtomicBoolean signalled = new AtomicBoolean();

	/**
	 * Whether Reactor Netty may be told within the call it is in; only while the request
	 * is dispatched, or after it when it was answered by then. Event loop only.
	 */
	private boolean inline;

	/**
	 * Whether the response is being written in an event-loop task of its own: a
	 * completion within it is outside every call of Reactor Netty, so it is told at once.
	 * Event loop only.
	 */
	private boolean inOwnTask;

	/** Run after Reactor Netty was told within its call. */
	private Runnable toldInline = () -> {
	};

	/**
	 * Create the completion of one request.
	 * @param eventLoop the event loop of the request's connection
	 * @param onCancel run when Reactor Netty cancels (the client went away)
	 * @param onFinally run once, when the request is done either way
	 */
	ResponseCompletion(EventLoop eventLoop, Runnable onCancel, Runnable onFinally) {
		this.eventLoop = eventLoop;
		this.onCancel = onCancel;
		this.onFinally = onFinally;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		actual.onSubscribe(this);
		this.subscriber = actual;
		if (this.state.get() == DONE) {
			signal();
		}
	}

	/**
	 * Let Reactor Netty be told at once, on the event loop, while the request is
	 * dispatched; {@link #dispatchReturned()} ends it unless the request is done by then.
	 * @param toldInline run once Reactor Netty was told within its call
	 */
	void answerInline(Runnable toldInline) {
		this.inline = true;
		this.toldInline = toldInline;
	}

	/**
	 * The dispatch of the request returned (on the event loop).
	 * @return whether the request is done, or else will be answered later (in a task of
	 * its own)
	 */
	boolean dispatchReturned() {
		if (this.state.get() != WAITING) {
			return true;
		}
		this.inline = false;
		return false;
	}

	/**
	 * Return whether a response written now may go to Reactor Netty at once.
	 * @return whether inline answers are allowed and the caller is on the event loop
	 */
	boolean inline() {
		return this.inline && this.eventLoop.inEventLoop();
	}

	/**
	 * Run the write of the response in the event-loop task of its own it was handed to:
	 * if it completes within, Reactor Netty is told at once, before the task ends (and
	 * before the connection's next request is read), not in yet another task.
	 * @param write writes the response
	 */
	void writeInOwnTask(Runnable write) {
		this.inOwnTask = true;
		try {
			write.run();
		}
		finally {
			this.inOwnTask = false;
		}
	}

	/** The response is written: tell Reactor Netty. */
	void complete() {
		if (this.state.compareAndSet(WAITING, DONE)) {
			this.onFinally.run();
			signal();
		}
	}

	/**
	 * Complete the subscriber once: both the completing thread and a late subscriber come
	 * here, and whichever sees the other's write first signals.
	 */
	private void signal() {
		CoreSubscriber<? super Void> actual = this.subscriber;
		if (actual != null && this.signalled.compareAndSet(false, true)) {
			if (this.inOwnTask) {
				actual.onComplete();
				return;
			}
			if (inline()) {
				actual.onComplete();
				this.toldInline.run();
				return;
			}
			try {
				this.eventLoop.execute(actual::onComplete);
			}
			catch (RejectedExecutionException ex) {
				// the event loop is shutting down: no next request to protect
				actual.onComplete();
			}
		}
	}

	@Override
	public void request(long n) {
		Operators.validate(n);
	}

	@Override
	public void cancel() {
		if (this.state.compareAndSet(WAITING, CANCELLED)) {
			this.onCancel.run();
			this.onFinally.run();
		}
	}

}
