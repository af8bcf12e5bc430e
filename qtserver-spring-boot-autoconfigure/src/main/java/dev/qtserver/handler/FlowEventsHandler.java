package dev.qtserver.handler;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Offers each inbound message to an {@link AnnotatedMessageFlow} first (a flow whose
 * messages run on the event loop may take it and handle it within the read, see
 * {@link AnnotatedMessageFlow#takeFrame(Object)}; otherwise it goes on to Reactor Netty's
 * inbound stream), and tells the flow when the event loop finished a read (a non-blocking
 * handler flushes then) and when a connection that could not take more replies can again.
 * Add it to the connection's pipeline in front of Reactor Netty's bridge.
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
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!this.flow.takeFrame(msg)) {
			ctx.fireChannelRead(msg);
		}
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
