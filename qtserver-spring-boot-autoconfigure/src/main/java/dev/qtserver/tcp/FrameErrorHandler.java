package dev.qtserver.tcp;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.jspecify.annotations.Nullable;

/**
 * Sits behind a frame decoder and turns Netty's {@link TooLongFrameException} into our
 * {@link FrameTooLongException}, and its {@link CorruptedFrameException} into our
 * {@link MalformedFrameException}: the server is told (event, metric, log), the exception
 * travels on to whoever reads the connection, and the connection is closed. A decoder
 * that failed on a corrupt frame has skipped only part of it, so what follows is not
 * framed any more: reading on would hand out garbage.
 */
final class FrameErrorHandler extends ChannelInboundHandlerAdapter {

	private final int maxFrameLength;

	private final Consumer<FramingException> listener;

	FrameErrorHandler(int maxFrameLength, Consumer<FramingException> listener) {
		this.maxFrameLength = maxFrameLength;
		this.listener = listener;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		FramingException error = framingError(cause);
		if (error == null) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		this.listener.accept(error);
		ctx.fireExceptionCaught(error);
		ctx.close();
	}

	private @Nullable FramingException framingError(Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current instanceof TooLongFrameException) {
				return new FrameTooLongException(this.maxFrameLength, current);
			}
			if (current instanceof CorruptedFrameException) {
				return new MalformedFrameException(current);
			}
		}
		return null;
	}

}
