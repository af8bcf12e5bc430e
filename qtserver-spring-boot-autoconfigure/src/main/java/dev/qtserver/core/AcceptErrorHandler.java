package dev.qtserver.core;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits first in a listening channel's pipeline and reports accept failures (such as
 * running out of file descriptors). Reactor Netty's acceptor, further down, swallows them
 * after pausing accepts for a second, so this is the only place they can be seen.
 */
@ChannelHandler.Sharable
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

	private final Consumer<Throwable> listener;

	/**
	 * Create a handler.
	 * @param listener told of every accept failure, on the listening channel's event loop
	 */
	public AcceptErrorHandler(Consumer<Throwable> listener) {
		this.listener = listener;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.listener.accept(cause);
		ctx.fireExceptionCaught(cause);
	}

}
