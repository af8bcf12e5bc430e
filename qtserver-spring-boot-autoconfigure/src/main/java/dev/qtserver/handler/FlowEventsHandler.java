package dev.qtserver.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells an {@link AnnotatedMessageFlow} when the event loop finished a read (a
 * non-blocking handler flushes then) and when a connection that could not take more
 * replies can again. Add it to the connection's pipeline in front of Reactor Netty's
 * bridge.
 */
public final class FlowEventsHandler extends ChannelInboundHandlerAdapter {

	private final AnnotatedMessageFlow<?> flow;

	/**
	 * Create a handler for one connection's flow.
	 * @param flow the flow
	 */
	public FlowEventsHandler(AnnotatedMessageFlow<?> flow) {
		this.flow = flow;
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		ctx.fireChannelReadComplete();
		this.flow.readComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			this.flow.wakeUp();
		}
		ctx.fireChannelWritabilityChanged();
	}

}
