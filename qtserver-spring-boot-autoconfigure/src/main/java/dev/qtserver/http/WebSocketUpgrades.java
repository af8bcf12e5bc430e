package dev.qtserver.http;

import dev.qtserver.websocket.QWebSocketServer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
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
 * handlers, as on a WebSocket server of its own. Every other request goes on to Reactor
 * Netty untouched.
 */
final class WebSocketUpgrades extends ChannelInboundHandlerAdapter {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.webSocketUpgrades";

	private static final String[] HTTP_HANDLERS = { NettyPipeline.HttpTrafficHandler, NettyPipeline.IdleTimeoutHandler,
			NettyPipeline.AccessLogHandler, NettyPipeline.HttpMetricsHandler, NettyPipeline.CompressionHandler };

	private final String path;

	private final QWebSocketServer webSocketServer;

	WebSocketUpgrades(String path, QWebSocketServer webSocketServer) {
		this.path = path;
		this.webSocketServer = webSocketServer;
	}

	/**
	 * Watch a new HTTP/1.1 connection for upgrades, in front of Reactor Netty's traffic
	 * handler; a connection without one (HTTP/2 by prior knowledge) is left alone.
	 * @param pipeline the connection's pipeline
	 * @param path the WebSocket path
	 * @param webSocketServer the server that runs the handshake
	 */
	static void watch(ChannelPipeline pipeline, String path, QWebSocketServer webSocketServer) {
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, new WebSocketUpgrades(path, webSocketServer));
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request && isUpgrade(request)) {
			takeOver(ctx, request);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	private boolean isUpgrade(HttpRequest request) {
		return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
				&& this.path.equals(new QueryStringDecoder(request.uri()).path());
	}

	private void takeOver(ChannelHandlerContext ctx, HttpRequest request) {
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
		// what carries the session's messages to its handler, as on a server of its own;
		// it replaces the operations of any request this connection served before
		Connection channel = ctx::channel;
		ChannelOperations<?, ?> connection = new ChannelOperations<>(channel, ConnectionObserver.emptyListener());
		connection.bind();
		this.webSocketServer.handleUpgrade(connection);
		pipeline.remove(this);
		ctx.fireChannelRead(request);
	}

}
