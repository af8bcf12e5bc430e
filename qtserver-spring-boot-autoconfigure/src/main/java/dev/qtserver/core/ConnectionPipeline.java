package dev.qtserver.core;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * Adds a connection's own handlers for its whole life, where Reactor Netty's
 * {@code Connection.addHandlerLast} would put them (last before Reactor Netty's reactive
 * bridge, so that they see what the application reads and writes), without what that
 * method adds for a handler meant to outlive a request: a subscription to the
 * connection's termination that takes the handler out again. On a connection that ends
 * with its channel that subscription is useless (the closing channel takes every handler
 * out), yet it is a race of two {@code Mono}s kept for as long as the connection is open:
 * about 260 bytes per handler, more than a fifth of an idle TCP connection's heap with
 * the five handlers a TCP connection gets.
 */
public final class ConnectionPipeline {

	private ConnectionPipeline() {
	}

	/**
	 * Add a handler for the rest of a connection's life, last before Reactor Netty's
	 * reactive bridge (or last, when there is none yet). Only for connections that end
	 * with their channel, not for handlers of one HTTP request.
	 * @param connection the connection
	 * @param name the handler's name, unique in the pipeline
	 * @param handler the handler
	 * @throws IllegalArgumentException when a handler of that name is there already
	 */
	public static void addLast(Connection connection, String name, ChannelHandler handler) {
		ChannelPipeline pipeline = connection.channel().pipeline();
		if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, name, handler);
		}
		else {
			pipeline.addLast(name, handler);
		}
	}

	/**
	 * Stop a connection's idle timer ({@code Connection.onReadIdle}), if it has one: once
	 * its input has ended (the peer's half-close, or a shutdown's), the peer's silence is
	 * not idleness, and the replies still being worked out must not be cut by the idle
	 * timeout. On the event loop.
	 * @param pipeline the connection's pipeline
	 */
	public static void stopIdleTimer(ChannelPipeline pipeline) {
		if (pipeline.get(NettyPipeline.OnChannelReadIdle) != null) {
			pipeline.remove(NettyPipeline.OnChannelReadIdle);
		}
	}

}
