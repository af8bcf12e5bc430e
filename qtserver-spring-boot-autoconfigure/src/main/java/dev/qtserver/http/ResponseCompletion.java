package dev.qtserver.http;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

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
 * {@link QHttpServerResponder}). The exception is a request that
 * {@link HttpConnectionState} lets be answered within that call, and that was: it is told
 * at once.
 *
 * <p>
 * It also subscribes to the write of a whole response: the write's end is the response's,
 * so the one object serves both instead of a lambda subscriber and its callbacks per
 * request.
 */
final class ResponseCompletion extends Mono<Void> implements Subscription, CoreSubscriber<Void> {

	private static final int WAITING = 0;

	private static final int DONE = 1;

	private static final int CANCELLED = 2;

	private static final AtomicIntegerFieldUpdater<ResponseCompletion> STATE = AtomicIntegerFieldUpdater
		.newUpdater(ResponseCompletion.class, "state");

	private static final AtomicIntegerFieldUpdater<ResponseCompletion> SIGNALLED = AtomicIntegerFieldUpdater
		.newUpdater(ResponseCompletion.class, "signalled");

	private final EventLoop eventLoop;

	private final QHttpServerResponder responder;

	private volatile int state = WAITING;

	private volatile int signalled;

	private volatile @Nullable CoreSubscriber<? super Void> subscriber;

	private boolean inline;

	private boolean inOwnTask;

	/**
	 * Create the completion of a responder's request.
	 * @param eventLoop the connection's event loop
	 * @param responder told when the client goes away ({@code cancel}), when the exchange
	 * is over ({@code done}), when a write fails ({@code failed}) and when Reactor Netty
	 * was told within its call ({@code toldInline})
	 */
	ResponseCompletion(EventLoop eventLoop, QHttpServerResponder responder) {
		this.eventLoop = eventLoop;
		this.responder = responder;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		actual.onSubscribe(this);
		this.subscriber = actual;
		if (this.state == DONE) {
			signal();
		}
	}

	void answerInline() {
		this.inline = true;
	}

	boolean dispatchReturned() {
		if (this.state != WAITING) {
			return true;
		}
		this.inline = false;
		return false;
	}

	boolean inline() {
		return this.inline && this.eventLoop.inEventLoop();
	}

	void writeInOwnTask(Runnable write) {
		this.inOwnTask = true;
		try {
			write.run();
		}
		finally {
			this.inOwnTask = false;
		}
	}

	void complete() {
		if (STATE.compareAndSet(this, WAITING, DONE)) {
			this.responder.done();
			signal();
		}
	}

	private void signal() {
		CoreSubscriber<? super Void> actual = this.subscriber;
		if (actual != null && SIGNALLED.compareAndSet(this, 0, 1)) {
			if (this.inOwnTask) {
				actual.onComplete();
				return;
			}
			if (inline()) {
				actual.onComplete();
				this.responder.toldInline();
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
		if (STATE.compareAndSet(this, WAITING, CANCELLED)) {
			this.responder.cancel();
			this.responder.done();
		}
	}

	// the write of a whole response

	@Override
	public void onSubscribe(Subscription write) {
		write.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(Void nothing) {
	}

	@Override
	public void onError(Throwable error) {
		this.responder.failed(error);
	}

	@Override
	public void onComplete() {
		complete();
	}

}
