package dev.qtserver.http;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import reactor.netty.NettyPipeline;

/**
 * Waits for ALPN to set a secure connection's protocol up, then lets a handler place
 * itself in the pipeline Reactor Netty built for it (HTTP/1.1 or HTTP/2). The handshake's
 * completion passes here once Reactor Netty's negotiation handler has built the pipeline;
 * it waits in front of Reactor Netty's bridge, which keeps that event to itself.
 */
final class AfterProtocolNegotiation extends ChannelInboundHandlerAdapter {

	private final Consumer<ChannelPipeline> place;

	private AfterProtocolNegotiation(Consumer<ChannelPipeline> place) {
		this.place = place;
	}

	/**
	 * Wait for ALPN on a connection that negotiates its protocol.
	 * @param pipeline the new connection's pipeline
	 * @param name the waiting handler's name
	 * @param place what to do with the pipeline once it is set up (or the handshake
	 * failed)
	 * @return whether the connection negotiates, and waits
	 */
	static boolean await(ChannelPipeline pipeline, String name, Consumer<ChannelPipeline> place) {
		if (pipeline.get(NettyPipeline.H2OrHttp11Codec) == null) {
			return false;
		}
		pipeline.addBefore(NettyPipeline.ReactiveBridge, name, new AfterProtocolNegotiation(place));
		return true;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt instanceof SslHandshakeCompletionEvent) {
			ChannelPipeline pipeline = ctx.pipeline();
			pipeline.remove(this);
			this.place.accept(pipeline);
		}
		ctx.fireUserEventTriggered(evt);
	}

}
