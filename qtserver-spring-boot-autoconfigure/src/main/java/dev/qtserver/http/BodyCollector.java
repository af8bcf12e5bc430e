package dev.qtserver.http;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Collects a request body into one array, refusing it once it grows past the server's
 * limit (Reactor Netty has no body limit of its own). Each buffer is copied as it
 * arrives, and Reactor Netty releases it.
 */
final class BodyCollector {

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
		return body.collect(() -> new BodyCollector(limit), BodyCollector::add).map(BodyCollector::bytes);
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
