package dev.qtserver.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.netty.channel.ChannelOperations;

/**
 * Holds back a pipelined HTTP/1.1 request that ends its connection until every request
 * before it has been answered. Reactor Netty's traffic handler remembers only whether the
 * latest request it read keeps the connection: once a request that does not ({@code
 * Connection: close}, HTTP/1.0, or one it cannot decode and answers with 400) is read
 * while earlier ones are still being answered, it closes the connection after the first
 * answer written, and drops the requests it had queued (Reactor Netty 1.3.7). A client
 * that pipelined {@code GET /a}, {@code GET /b} and a last request with
 * {@code Connection:
 * close} lost the answers to {@code /b} and to the last one whenever {@code /a} was not
 * answered at once (a worker's answer, or a late one). RFC 9112 §9.6 asks the server to
 * answer every request before the one that closes.
 *
 * <p>
 * Between the HTTP codec and Reactor Netty's traffic handler, it counts the requests it
 * passes on and the final responses written back. A request that ends the connection,
 * read while answers are outstanding, is held with whatever follows it (reading stops
 * meanwhile: nothing after it will be answered anyway) and passed on once the answers are
 * written and Reactor Netty has let go of the last request; Reactor Netty then answers it
 * as the connection's only request and closes.
 */
final class ClosingRequestGate extends RequestHold {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.closingRequestGate";

	/** Requests passed on whose final response has not been written yet. */
	private int unanswered;

	/** Whether the response being written is an interim one (1xx). */
	private boolean interim;

	@Override
	protected boolean holdsBack(HttpRequest request) {
		return this.unanswered > 0 && (request.decoderResult().isFailure() || !HttpUtil.isKeepAlive(request));
	}

	@Override
	protected void passing(HttpRequest request) {
		this.unanswered++;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response) {
			this.interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
		}
		if (msg instanceof LastHttpContent) {
			if (!this.interim && this.unanswered > 0 && --this.unanswered == 0 && isHolding()) {
				releaseOnceLetGo(ctx);
			}
			this.interim = false;
		}
		ctx.write(msg, promise);
	}

	/**
	 * Release the held request once Reactor Netty has let go of the last one answered:
	 * its operations end after their last write, then the traffic handler takes a new
	 * request as the connection's only one.
	 */
	private void releaseOnceLetGo(ChannelHandlerContext ctx) {
		ChannelOperations<?, ?> last = ChannelOperations.get(ctx.channel());
		if (last == null) {
			ctx.executor().execute(() -> release(ctx));
			return;
		}
		last.onTerminate()
			.subscribe(null, (error) -> ctx.executor().execute(() -> release(ctx)),
					() -> ctx.executor().execute(() -> release(ctx)));
	}

	/** Pass the held request on, once nothing before it is left to answer. */
	private void release(ChannelHandlerContext ctx) {
		if (!isHolding() || this.unanswered > 0) {
			return;
		}
		if (ChannelOperations.get(ctx.channel()) != null) {
			// Reactor Netty still holds a request: wait until it lets go of that one too
			releaseOnceLetGo(ctx);
			return;
		}
		for (Object msg : letGo()) {
			if (msg instanceof HttpRequest request) {
				passing(request);
			}
			ctx.fireChannelRead(msg);
		}
		ctx.fireChannelReadComplete();
	}

}
