package dev.qtserver.http;

import java.util.function.Supplier;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import reactor.netty.NettyPipeline;

/**
 * Puts the server's own HTTP/1.1 handlers in front of Reactor Netty's traffic handler,
 * where they see each decoded request before Reactor Netty does and each response on its
 * way out. A connection without that handler (HTTP/2 by prior knowledge) gets none. On a
 * secure listener that offers h2 the protocol is known only once ALPN has chosen it: the
 * handler goes in then, if the client chose HTTP/1.1.
 */
final class Http11Handlers {

	private Http11Handlers() {
	}

	/**
	 * Add a handler in front of the traffic handler of a new connection, after those
	 * added before it.
	 * @param pipeline the connection's pipeline
	 * @param name the handler's name
	 * @param handler makes the handler, if the connection speaks HTTP/1.1
	 */
	static void addBeforeTraffic(ChannelPipeline pipeline, String name, Supplier<? extends ChannelHandler> handler) {
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, name, handler.get());
		}
		else if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, name + ".afterAlpn",
					new AfterProtocolNegotiation(name, handler));
		}
	}

	/**
	 * Waits for ALPN to set the connection's protocol up (the handshake's completion
	 * passes here once Reactor Netty has built the pipeline), then adds its handler if
	 * the protocol is HTTP/1.1.
	 */
	private static final class AfterProtocolNegotiation extends ChannelInboundHandlerAdapter {

		private final String name;

		private final Supplier<? extends ChannelHandler> handler;

		AfterProtocolNegotiation(String name, Supplier<? extends ChannelHandler> handler) {
			this.name = name;
			this.handler = handler;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			if (evt instanceof SslHandshakeCompletionEvent) {
				ChannelPipeline pipeline = ctx.pipeline();
				pipeline.remove(this);
				if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
					pipeline.addBefore(NettyPipeline.HttpTrafficHandler, this.name, this.handler.get());
				}
			}
			ctx.fireUserEventTriggered(evt);
		}

	}

}
