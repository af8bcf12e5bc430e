package dev.qtserver.http;

import java.io.IOException;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.channel.AbortedException;
import reactor.util.context.Context;

/**
 * Collects a request body into one array, refusing it once it grows past the server's
 * limit (Reactor Netty has no body limit of its own). Each buffer is copied as it
 * arrives, and Reactor Netty releases it.
 */
final class BodyCollector {

	private static final Log logger = LogFactory.getLog(BodyCollector.class);

	/**
	 * Reactor's key for a subscription's own hook on errors it drops (its
	 * {@code Hooks.KEY_ON_ERROR_DROPPED}, not public): without it, Reactor logs them at
	 * ERROR.
	 */
	private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

	/**
	 * A client that resets while its body is read fails the body once, and Reactor Netty
	 * 1.3.7 signals the same error again when the request's operations are disposed (its
	 * {@code FluxReceive} keeps the subscriber after the first): the second is the same
	 * reset, dropped, and needs no ERROR line of its own. (A stream whose body breaks
	 * HTTP/2 is reset by {@link Http2RequestHeadGuard} and ends the same way.)
	 */
	private static final Context CLIENT_GONE_DROPPED_QUIETLY = Context.of(ON_ERROR_DROPPED,
			(Consumer<Throwable>) BodyCollector::dropped);

	private final int limit;

	private byte[] data = new byte[256];

	private int size;

	private BodyCollector(int limit) {
		this.limit = limit;
	}

	/**
	 * Collect a body.
	 * @param body the body's buffers
	 * @param limit the most bytes accepted
	 * @return the body; fails with {@link BodyTooLargeException} past the limit
	 */
	static Mono<byte[]> collect(ByteBufFlux body, int limit) {
		return body.collect(() -> new BodyCollector(limit), BodyCollector::add)
			.map(BodyCollector::bytes)
			.contextWrite(CLIENT_GONE_DROPPED_QUIETLY);
	}

	/**
	 * Return whether collecting a body failed because the client went away (closed or
	 * reset in the middle of it): then there is nobody to answer.
	 * @param error why it failed
	 * @return whether the client is gone
	 */
	static boolean isClientGone(Throwable error) {
		return error instanceof IOException || error instanceof AbortedException;
	}

	private static void dropped(Throwable error) {
		if (isClientGone(error)) {
			logger.debug("A request body's failure signalled again after the client went away", error);
		}
		else {
			// what Reactor does with a dropped error when nobody hooks it
			logger.error("Operator called default onErrorDropped", error);
		}
	}

	private void add(ByteBuf buffer) {
		int length = buffer.readableBytes();
		if (length > this.limit - this.size) {
			throw new BodyTooLargeException();
		}
		if (this.size + length > this.data.length) {
			int capacity = (int) Math.min(this.limit, Math.max((long) this.data.length * 2, this.size + length));
			this.data = java.util.Arrays.copyOf(this.data, capacity);
		}
		buffer.getBytes(buffer.readerIndex(), this.data, this.size, length);
		this.size += length;
	}

	private byte[] bytes() {
		return (this.size == this.data.length) ? this.data : java.util.Arrays.copyOf(this.data, this.size);
	}

	/** The body is larger than the limit: the client gets 413. */
	static final class BodyTooLargeException extends RuntimeException {

		BodyTooLargeException() {
			super("Request body too large", null, false, false);
		}

	}

}
