package dev.qtserver.http;

import java.io.IOException;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Ends an HTTP/2 connection whose peer reset it, quietly. Reactor Netty's HTTP/2
 * connection pipeline (frame codec and stream multiplexer) has no handler for I/O errors,
 * so Netty would log every reset at WARN as an exception nobody handled: a load generator
 * stopped mid-run, or a browser tab closed, would write a stack trace per connection. The
 * streams of the connection end as it closes (their responders report them cancelled), as
 * on an HTTP/1.1 connection, where Reactor Netty's own bridge takes the error before this
 * handler could see it. A connection error of HTTP/2 (a frame that breaks the protocol),
 * which the codec has answered with {@code GOAWAY}, would be logged the same way: it is
 * counted as the connection's close reason, {@code protocol_error}, instead. Other
 * exceptions pass on untouched, among them a stream's error, which the
 * {@link Http2RequestHeadGuard} behind this handler turns into a reset of that stream.
 */
@ChannelHandler.Sharable
final class PeerResetHandler extends ChannelInboundHandlerAdapter {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.peerReset";

	static final PeerResetHandler INSTANCE = new PeerResetHandler();

	private static final Log logger = LogFactory.getLog(PeerResetHandler.class);

	private PeerResetHandler() {
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException) {
			if (logger.isDebugEnabled()) {
				logger.debug("HTTP connection " + ctx.channel() + " ended by its peer: " + cause);
			}
			ctx.close();
			return;
		}
		if (cause instanceof Http2FrameStreamException) {
			// one stream broke the protocol: the guard behind resets it
			ctx.fireExceptionCaught(cause);
			return;
		}
		if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
			// the codec has answered with GOAWAY and closes the connection
			HttpConnectionState state = HttpConnectionState.of(ctx.channel());
			if (state != null) {
				state.protocolBroken();
			}
			if (logger.isDebugEnabled()) {
				logger.debug("HTTP/2 connection " + ctx.channel() + " broke the protocol: " + cause);
			}
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

}
