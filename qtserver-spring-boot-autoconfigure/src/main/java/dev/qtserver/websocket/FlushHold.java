package dev.qtserver.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

/**
 * Keeps what is written to a channel from leaving it until {@link #release()}: writes
 * pass, flushes wait. The opening handshake writes its 101 response with a flush, and a
 * peer that has read the 101 may at once expect the session to exist (a chat peer whose
 * partner sends next): the session must be registered with its server before the 101
 * leaves, or a broadcast in between misses it. Only on the event loop, which runs the
 * whole upgrade in one go.
 */
final class FlushHold extends ChannelOutboundHandlerAdapter {

	private static final String NAME = "qtserver.wsFlushHold";

	private final ChannelPipeline pipeline;

	private boolean flushAsked;

	private FlushHold(ChannelPipeline pipeline) {
		this.pipeline = pipeline;
	}

	/**
	 * Hold the flushes of a channel, at the tail of its pipeline where every channel
	 * write starts.
	 * @param pipeline the channel's pipeline
	 * @return the hold, to release once the session is registered
	 */
	static FlushHold on(ChannelPipeline pipeline) {
		FlushHold hold = new FlushHold(pipeline);
		pipeline.addLast(NAME, hold);
		return hold;
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		this.flushAsked = true;
	}

	/**
	 * Leave the pipeline and do the flush that was held, if one was asked for.
	 */
	void release() {
		if (this.pipeline.context(this) != null) {
			// a channel that closed meanwhile may have torn its pipeline down already
			this.pipeline.remove(this);
		}
		if (this.flushAsked) {
			this.pipeline.channel().flush();
		}
	}

}
