package dev.qtserver.websocket;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.RejectReason;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Runs the opening handshake of one connection: checks the request (path, RFC 6455
 * headers, version 13), asks whether the origin is allowed, and hands a valid upgrade to
 * the server, which completes it if it has room. Every refusal gets its HTTP answer and
 * the connection is closed; a client that does not finish within the handshake timeout is
 * dropped. Reads are pulled by hand (Reactor Netty turns auto-read off) until the request
 * is complete.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {

	private final QWebSocketServer server;

	/**
	 * When the handshake started: as the server admitted the connection (once encrypted,
	 * on a secure listener), or as an HTTP server handed its upgrade over.
	 */
	private final long startedNanos = System.nanoTime();

	private @Nullable ScheduledFuture<?> timeout;

	private boolean requestReceived;

	HandshakeHandler(QWebSocketServer server) {
		this.server = server;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		Duration limit = this.server.settings().handshakeTimeout();
		if (limit != null) {
			this.timeout = ctx.executor().schedule(() -> timedOut(ctx), limit.toNanos(), TimeUnit.NANOSECONDS);
		}
		ctx.read();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancelTimeout();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancelTimeout();
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException) {
			// the client went away (a reset) before its handshake was done: nothing to
			// report to anyone but the errors metric, and nothing for Reactor Netty to
			// log as uncaught
			this.server.handshakeFailed(cause);
			ctx.close();
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (!this.requestReceived) {
			ctx.read();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.requestReceived || !(msg instanceof FullHttpRequest request)) {
			// a pipelined second request, or bytes after the request: not for us
			ReferenceCountUtil.release(msg);
			return;
		}
		this.requestReceived = true;
		boolean keep = false;
		try {
			keep = handle(ctx, request);
		}
		finally {
			if (!keep) {
				request.release();
			}
		}
	}

	/**
	 * @return whether the request is kept (released later)
	 */
	private boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
		if (request.decoderResult().isFailure()) {
			Throwable cause = request.decoderResult().cause();
			if (cause instanceof TooLongFrameException) {
				reject(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, CloseCode.TOO_MUCH_DATA,
						"Handshake request header too large");
			}
			else {
				reject(ctx, HttpResponseStatus.BAD_REQUEST, CloseCode.PROTOCOL_ERROR, "Invalid HTTP request");
			}
			return false;
		}
		String path = new QueryStringDecoder(request.uri()).path();
		if (!path.equals(this.server.settings().path())) {
			reject(ctx, HttpResponseStatus.NOT_FOUND, null, "No WebSocket endpoint at " + path);
			return false;
		}
		String problem = UpgradeRequests.problem(request);
		if (problem != null) {
			reject(ctx, HttpResponseStatus.BAD_REQUEST, CloseCode.PROTOCOL_ERROR, problem);
			return false;
		}
		String origin = request.headers().get(HttpHeaderNames.ORIGIN);
		// listeners may block: ask them on a worker, and carry on here when they have
		// answered
		this.server.authorizeOrigin(origin, request.uri()).whenComplete((allowed, ex) -> ctx.executor().execute(() -> {
			try {
				if (!ctx.channel().isActive()) {
					return;
				}
				if (ex != null || !Boolean.TRUE.equals(allowed)) {
					reject(ctx, HttpResponseStatus.FORBIDDEN, CloseCode.POLICY_VIOLATED,
							"Origin not allowed: " + origin);
					return;
				}
				if (!this.server.upgrade(ctx, request, origin, this.startedNanos)) {
					reject(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, CloseCode.ABNORMAL_DISCONNECTION,
							"Too many pending connections");
				}
			}
			finally {
				request.release();
			}
		}));
		return true;
	}

	private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, @Nullable CloseCode error,
			String message) {
		cancelTimeout();
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
		response.headers()
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
		if (status == HttpResponseStatus.BAD_REQUEST) {
			response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, UpgradeRequests.SUPPORTED_VERSION);
		}
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		this.server.handshakeRejected(reason(status), error, message);
	}

	private static RejectReason reason(HttpResponseStatus status) {
		if (status == HttpResponseStatus.FORBIDDEN) {
			return RejectReason.ORIGIN;
		}
		return (status == HttpResponseStatus.SERVICE_UNAVAILABLE) ? RejectReason.MAX_PENDING
				: RejectReason.BAD_HANDSHAKE;
	}

	private void timedOut(ChannelHandlerContext ctx) {
		if (ctx.channel().isActive() && ctx.pipeline().context(this) != null) {
			this.server.handshakeTimedOut();
			ctx.close();
		}
	}

	private void cancelTimeout() {
		ScheduledFuture<?> scheduled = this.timeout;
		if (scheduled != null) {
			scheduled.cancel(false);
			this.timeout = null;
		}
	}

}
