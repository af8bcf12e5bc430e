package dev.qtserver.http;

import dev.qtserver.websocket.QWebSocketServer;
import java.util.List;

import dev.qtserver.ssl.TlsHalfClose;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;

/**
 * Hands WebSocket upgrades on an HTTP listener to the HTTP server's own
 * {@link QWebSocketServer}, as Qt's {@code QAbstractHttpServer} does: an HTTP/1.1 request
 * for the configured path that asks to upgrade to {@code websocket} leaves Reactor
 * Netty's HTTP handling (its traffic handler and what serves requests are taken out of
 * the connection's pipeline) and runs the WebSocket server's opening handshake instead,
 * so the session is the same {@code QWebSocket}, with the same limits, events and
 * handlers, as on a WebSocket server of its own, once the server's
 * {@link WebSocketUpgradeVerifier}s (if any) accept it. Every other request goes on to
 * Reactor Netty untouched.
 */
final class WebSocketUpgrades extends RequestHold {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.webSocketUpgrades";

	private static final String[] HTTP_HANDLERS = { NettyPipeline.HttpTrafficHandler, NettyPipeline.IdleTimeoutHandler,
			KeepAliveTimeout.NAME, ClosingRequestGate.NAME, TlsHalfClose.NAME, NettyPipeline.AccessLogHandler,
			NettyPipeline.HttpMetricsHandler, NettyPipeline.CompressionHandler };

	private final String path;

	private final QWebSocketServer webSocketServer;

	private final QHttpServer httpServer;

	WebSocketUpgrades(String path, QWebSocketServer webSocketServer, QHttpServer httpServer) {
		this.path = path;
		this.webSocketServer = webSocketServer;
		this.httpServer = httpServer;
	}

	/**
	 * Watch a new HTTP/1.1 connection for upgrades, in front of Reactor Netty's traffic
	 * handler; a connection without one (HTTP/2 by prior knowledge) is left alone. On a
	 * secure listener that offers h2, the protocol is known only once ALPN has chosen it:
	 * the watch starts then, if the client chose HTTP/1.1.
	 * @param pipeline the connection's pipeline
	 * @param path the WebSocket path
	 * @param webSocketServer the server that runs the handshake
	 */
	static void watch(ChannelPipeline pipeline, String path, QWebSocketServer webSocketServer, QHttpServer httpServer) {
		WebSocketUpgrades upgrades = new WebSocketUpgrades(path, webSocketServer, httpServer);
		if (!placeBeforeTraffic(pipeline, upgrades)) {
			// over TLS: once ALPN chose, if it chose HTTP/1.1
			AfterProtocolNegotiation.await(pipeline, NAME + ".afterAlpn",
					(negotiated) -> placeBeforeTraffic(negotiated, upgrades));
		}
	}

	/** Put the watcher in front of the traffic handler of an HTTP/1.1 connection. */
	private static boolean placeBeforeTraffic(ChannelPipeline pipeline, WebSocketUpgrades upgrades) {
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) == null) {
			return false;
		}
		pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, upgrades);
		return true;
	}

	/** An upgrade request is held while the verifiers decide. */
	@Override
	protected boolean holdsBack(ChannelHandlerContext ctx, HttpRequest request) {
		return isUpgrade(request);
	}

	@Override
	protected void onHeld(ChannelHandlerContext ctx, HttpRequest request) {
		this.httpServer.verifyUpgrade(ctx.channel(), request, (verdict) -> decided(ctx, verdict));
	}

	/** On the event loop: what the verifiers decided. */
	private void decided(ChannelHandlerContext ctx, WebSocketUpgradeResponse verdict) {
		// a connection the server's shutdown is closing has its output shut already
		if (!isHolding() || !ctx.channel().isActive()
				|| (ctx.channel() instanceof DuplexChannel duplex && duplex.isOutputShutdown())) {
			discardHeld();
			return;
		}
		switch (verdict.type()) {
			case ACCEPT -> takeOver(ctx, letGo());
			// an ordinary request after all
			case PASS_TO_NEXT -> letGo().forEach(ctx::fireChannelRead);
			case DENY -> {
				discardHeld();
				FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
						HttpResponseStatus.valueOf(verdict.status()));
				response.headers()
					.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
					.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
				ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			}
		}
	}

	private boolean isUpgrade(HttpRequest request) {
		HttpHeaders headers = request.headers();
		// most requests have no Upgrade header: a lookup, where the value check
		// iterates (and allocates)
		return headers.contains(HttpHeaderNames.UPGRADE)
				&& headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
				&& this.path.equals(new QueryStringDecoder(request.uri()).path());
	}

	private void takeOver(ChannelHandlerContext ctx, List<Object> messages) {
		ChannelPipeline pipeline = ctx.pipeline();
		for (String name : HTTP_HANDLERS) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
		// the h2c upgrade (an aggregator) would hold the handshake request back
		for (var entry : pipeline) {
			ChannelHandler handler = entry.getValue();
			if (handler instanceof HttpServerUpgradeHandler) {
				pipeline.remove(handler);
			}
		}
		// a WebSocket session ends when its client closes its side, as on a server of its
		// own (an HTTP connection answers first)
		ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
		// what carries the session's messages to its handler, as on a server of its own;
		// it replaces the operations of any request this connection served before
		Connection channel = ctx::channel;
		ChannelOperations<?, ?> connection = new ChannelOperations<>(channel, ConnectionObserver.emptyListener());
		connection.bind();
		this.webSocketServer.handleUpgrade(connection);
		pipeline.remove(this);
		messages.forEach(ctx::fireChannelRead);
	}

}
