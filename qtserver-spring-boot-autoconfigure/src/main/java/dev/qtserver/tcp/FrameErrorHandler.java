package dev.qtserver.tcp;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import org.jspecify.annotations.Nullable;

/**
 * Sits behind a frame decoder and turns Netty's {@link TooLongFrameException} into our
 * {@link FrameTooLongException}: the server is told (event, metric, log), the exception
 * travels on to whoever reads the connection, and the connection is closed.
 */
final class FrameErrorHandler extends ChannelInboundHandlerAdapter {

	private final int maxFrameLength;

	private final Consumer<FrameTooLongException> listener;

	FrameErrorHandler(int maxFrameLength, Consumer<FrameTooLongException> listener) {
		this.maxFrameLength = maxFrameLength;
		this.listener = listener;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Throwable tooLong = findTooLongFrame(cause);
		if (tooLong == null) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		FrameTooLongException error = new FrameTooLongException(this.maxFrameLength, tooLong);
		this.listener.accept(error);
		ctx.fireExceptionCaught(error);
		ctx.close();
	}

	private static @Nullable Throwable findTooLongFrame(Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current instanceof TooLongFrameException) {
				return current;
			}
		}
		return null;
	}

}
