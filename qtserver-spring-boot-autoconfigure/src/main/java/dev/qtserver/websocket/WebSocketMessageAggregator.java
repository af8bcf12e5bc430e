package dev.qtserver.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Joins the fragments of a message, as Netty's {@link WebSocketFrameAggregator} does, and
 * hands a message that came in one frame (the usual case) straight on: the aggregator
 * would pass it on unchanged too, but only after a round through its decoder machinery
 * (an output list from a recycler, a type match) for every message.
 */
final class WebSocketMessageAggregator extends WebSocketFrameAggregator {

	/**
	 * Create an aggregator.
	 * @param maxMessageSize the largest message it joins, in bytes
	 */
	WebSocketMessageAggregator(int maxMessageSize) {
		super(maxMessageSize);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if ((msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
				&& ((WebSocketFrame) msg).isFinalFragment()) {
			ctx.fireChannelRead(msg);
			return;
		}
		super.channelRead(ctx, msg);
	}

}
