package dev.qtserver.core;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Closes a connection on an I/O error (a reset, most often): with half-closure allowed,
 * Netty would only shut its input down and leave it open, and counted, until a write
 * failed. The error is reported once: passed on to the connection's reader while someone
 * reads it (the reader turns it into the error event), otherwise recorded here, since
 * Reactor Netty would log it as an uncaught exception at ERROR (or "post termination"
 * after its reader ended) although it is the peer's doing.
 */
public final class IoErrorHandler extends ChannelInboundHandlerAdapter {

	private final BooleanSupplier read;

	private final Consumer<Throwable> failed;

	/**
	 * Create a handler for one connection.
	 * @param read whether someone reads the connection's input now
	 * @param failed records the error of a connection nobody reads
	 */
	public IoErrorHandler(BooleanSupplier read, Consumer<Throwable> failed) {
		this.read = read;
		this.failed = failed;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!(cause instanceof IOException)) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		if (this.read.getAsBoolean()) {
			ctx.fireExceptionCaught(cause);
		}
		else {
			this.failed.accept(cause);
		}
		ctx.close();
	}

}
