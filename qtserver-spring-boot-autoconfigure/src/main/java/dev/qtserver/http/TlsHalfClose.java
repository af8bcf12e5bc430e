package dev.qtserver.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import reactor.netty.NettyPipeline;

/**
 * Lets a TLS 1.3 client close its side of an HTTP connection and still read the answers.
 * In TLS 1.3 a {@code close_notify} says only that the sender will send no more (RFC
 * 8446, section 6.1): the receiver may go on writing, which is what a client that sends
 * its requests and then shuts its output down relies on. Reactor Netty closes a
 * connection at once on any {@code close_notify}, as TLS 1.2 required, and the answers
 * still to come are lost. On TLS 1.3 this handler, right behind the SSL handler, turns
 * the {@code close_notify} into the half-close it is: the connection's input is shut, and
 * {@link KeepAliveTimeout} closes it once every request is answered. Before TLS 1.3 the
 * connection is closed at once, as that version wants.
 */
@ChannelHandler.Sharable
final class TlsHalfClose extends ChannelInboundHandlerAdapter {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.tlsHalfClose";

	private static final TlsHalfClose INSTANCE = new TlsHalfClose();

	private static final String TLS_1_3 = "TLSv1.3";

	private TlsHalfClose() {
	}

	/**
	 * Put the handler behind a connection's SSL handler, if it has one.
	 * @param pipeline the connection's pipeline
	 */
	static void install(ChannelPipeline pipeline) {
		if (pipeline.get(NettyPipeline.SslHandler) != null) {
			pipeline.addAfter(NettyPipeline.SslHandler, NAME, INSTANCE);
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt == SslCloseCompletionEvent.SUCCESS && isTls13(ctx)) {
			// from the pipeline's head, so that the keep-alive timeout, first in it, sees
			// it as it sees a TCP half-close, and the HTTP codec ends what it was
			// decoding
			ctx.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
			return;
		}
		ctx.fireUserEventTriggered(evt);
	}

	private static boolean isTls13(ChannelHandlerContext ctx) {
		SslHandler ssl = ctx.pipeline().get(SslHandler.class);
		return ssl != null && TLS_1_3.equals(ssl.engine().getSession().getProtocol());
	}

}
