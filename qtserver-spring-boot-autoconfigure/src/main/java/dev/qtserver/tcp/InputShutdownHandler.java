package dev.qtserver.tcp;

import dev.qtserver.core.ConnectionPipeline;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Servers allow half-closure so that a peer that sends its last request and shuts its
 * side down (as {@code nc -N} does) still gets the answers. Reactor Netty does not react
 * to the input shutdown itself, so this does: it puts {@link EndOfInput} in the inbound
 * stream when the socket's reader understands it, and closes the connection (Netty's
 * default) otherwise.
 *
 * <p>
 * Once the input is shut down there is nothing left to read, so read requests (Reactor
 * Netty asks for more whenever its subscriber has demand) stop here instead of re-arming
 * the socket for reading: the replies to the frames still queued must not depend on a
 * read that can only fail.
 */
final class InputShutdownHandler extends ChannelDuplexHandler {

	private final QTcpSocket socket;

	private boolean inputShutDown;

	InputShutdownHandler(QTcpSocket socket) {
		this.socket = socket;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof ChannelInputShutdownEvent) {
			this.inputShutDown = true;
			ConnectionPipeline.stopIdleTimer(ctx.pipeline());
			this.socket.state().peerShutDown();
			if (!this.socket.readsEndOfInput()) {
				ctx.close();
			}
			else if (this.socket.claimEndOfInput()) {
				// (a shutdown may have ended the input already)
				ctx.fireChannelRead(EndOfInput.INSTANCE);
			}
		}
		super.userEventTriggered(ctx, event);
	}

	@Override
	public void read(ChannelHandlerContext ctx) {
		if (!this.inputShutDown) {
			ctx.read();
		}
	}

}
