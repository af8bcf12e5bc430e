package dev.qtserver.core;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Handles an I/O error (a reset, most often) on a connection whose input nobody reads yet, such as
 * a pending connection not taken: Reactor Netty would log it as an uncaught exception, at ERROR
 * with a stack trace, although it is the peer's doing. It becomes the connection's error (event
 * and metric), and the connection closes. A connection that is read passes its errors on to its
 * reader, which reports them.
 */
public final class UnreadConnectionErrorHandler extends ChannelInboundHandlerAdapter {

	private final BooleanSupplier read;

	private final Consumer<Throwable> failed;

	/**
	 * Create a handler for one connection.
	 * @param read whether someone reads the connection's input now
	 * @param failed records the error of an unread connection
	 */
	public UnreadConnectionErrorHandler(BooleanSupplier read, Consumer<Throwable> failed) {
		this.read = read;
		this.failed = failed;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException && !this.read.getAsBoolean()) {
			this.failed.accept(cause);
			ctx.close();
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

}
