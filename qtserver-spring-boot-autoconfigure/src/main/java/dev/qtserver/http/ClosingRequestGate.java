package dev.qtserver.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

/**
 * Holds back a pipelined HTTP/1.1 request that ends its connection while Reactor Netty
 * still holds an earlier request of it. Reactor Netty's traffic handler remembers only
 * whether the latest request it read keeps the connection: once a request that does not
 * ({@code Connection: close}, HTTP/1.0, or one it cannot decode and answers with 400) is
 * read while earlier ones are still being answered, it closes the connection after the
 * first answer written, and drops the requests it had queued (Reactor Netty 1.3.7). A
 * client that pipelined {@code GET /a}, {@code GET /b} and a last request with {@code
 * Connection: close} lost the answers to {@code /b} and to the last one whenever
 * {@code /a} was not answered at once (a worker's answer, or a late one). RFC 9112 §9.6
 * asks the server to answer every request before the one that closes.
 *
 * <p>
 * It sits in front of Reactor Netty's traffic handler, and only on connections that need
 * it: those marked in their {@link HttpConnectionState} because a request was not wound
 * up within its own call, the only way Reactor Netty comes to hold one request while it
 * reads the next. A request that ends the connection, read while Reactor Netty still has
 * a request bound to it, is held with whatever follows it and passed on once Reactor
 * Netty has let go of every request before it; Reactor Netty then answers it as the
 * connection's only request and closes. What is held stays small: Reactor Netty reads a
 * connection again only once it has nothing left to answer.
 *
 * <p>
 * A request that asks to upgrade the connection (to a WebSocket session, or to h2c) is
 * held the same way, in front of what takes it: taken at once, its {@code 101} went out
 * before the earlier answers, which were lost, cut, or written into the new protocol.
 *
 * <p>
 * It also tells the server of a request body the codec could not decode (a chunk size
 * that is no number): Reactor Netty checks the decoder's verdict on a piece of a body
 * only when it passes that piece on at once, and hands a queued request's failed last
 * piece over as if the body had ended well (Reactor Netty 1.3.7). The server refuses such
 * a request with 400 once it is handed over.
 */
final class ClosingRequestGate extends RequestHold {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.closingRequestGate";

	/** The latest request passed on; what follows it up to the next is its body. */
	private @Nullable HttpRequest latest;

	/**
	 * Put a gate in front of the traffic handler of an HTTP/1.1 connection that has none.
	 * @param channel the connection
	 */
	static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) == null || pipeline.get(NAME) != null) {
			return;
		}
		// right behind the codec (named by Reactor Netty, or not where it speaks h2c
		// too): in front of what takes an upgrade before the traffic handler, Reactor
		// Netty's h2c upgrade and the WebSocket upgrades
		ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
		if (codec != null) {
			pipeline.addAfter(codec.name(), NAME, new ClosingRequestGate());
		}
		else {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, new ClosingRequestGate());
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		HttpRequest request = this.latest;
		if (request != null && !isHolding() && msg instanceof HttpContent content
				&& content.decoderResult().isFailure()) {
			// the codec reads nothing after a failure: this request is the connection's
			// last
			HttpConnectionState state = HttpConnectionState.of(ctx.channel());
			if (state != null) {
				state.bodyUndecodable(request);
			}
		}
		super.channelRead(ctx, msg);
	}

	@Override
	protected void passing(HttpRequest request) {
		this.latest = request;
	}

	@Override
	protected boolean holdsBack(ChannelHandlerContext ctx, HttpRequest request) {
		return (request.decoderResult().isFailure() || !HttpUtil.isKeepAlive(request)
				|| request.headers().contains(HttpHeaderNames.UPGRADE)) && ChannelOperations.get(ctx.channel()) != null;
	}

	@Override
	protected void onHeld(ChannelHandlerContext ctx, HttpRequest request) {
		releaseOnceLetGo(ctx);
	}

	/**
	 * Release the held request once Reactor Netty has let go of the request it holds, and
	 * of any it had queued behind that one.
	 */
	private void releaseOnceLetGo(ChannelHandlerContext ctx) {
		ChannelOperations<?, ?> current = ChannelOperations.get(ctx.channel());
		if (current == null) {
			release(ctx);
			return;
		}
		// ended, Reactor Netty hands over a request it queued in a task of its own: look
		// in a later one
		Runnable lookAgain = () -> ctx.executor().execute(() -> releaseOnceLetGo(ctx));
		current.onTerminate().subscribe(null, (error) -> lookAgain.run(), lookAgain);
	}

	private void release(ChannelHandlerContext ctx) {
		if (!isHolding() || !ctx.channel().isActive()) {
			return;
		}
		letGo().forEach(ctx::fireChannelRead);
		ctx.fireChannelReadComplete();
	}

}
