package dev.qtserver.core;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits at the end of a listening channel's pipeline and reports accept failures (such as running
 * out of file descriptors), which Netty would otherwise only log. Netty has already paused
 * accepting for a moment by the time this sees the error.
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
	}

}
