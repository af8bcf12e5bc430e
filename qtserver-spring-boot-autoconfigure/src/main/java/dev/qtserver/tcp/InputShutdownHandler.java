package dev.qtserver.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Servers allow half-closure so that a peer that sends its last request and shuts its side down
 * (as {@code nc -N} does) still gets the answers. Reactor Netty does not react to the input
 * shutdown itself, so this does: it puts {@link EndOfInput} in the inbound stream when the
 * socket's reader understands it, and closes the connection (Netty's default) otherwise.
 */
final class InputShutdownHandler extends ChannelInboundHandlerAdapter {

	private final QTcpSocket socket;

	InputShutdownHandler(QTcpSocket socket) {
		this.socket = socket;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof ChannelInputShutdownEvent) {
			this.socket.state().peerShutDown();
			if (this.socket.readsEndOfInput()) {
				ctx.fireChannelRead(EndOfInput.INSTANCE);
			}
			else {
				ctx.close();
			}
		}
		super.userEventTriggered(ctx, event);
	}

}
