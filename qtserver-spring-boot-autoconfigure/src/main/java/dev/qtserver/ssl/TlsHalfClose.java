package dev.qtserver.ssl;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import reactor.netty.NettyPipeline;

/**
 * Lets a TLS 1.3 client close its sending side and still read the answers. In TLS 1.3 a
 * {@code close_notify} says only that the sender will send no more (RFC 8446, section
 * 6.1): the receiver may go on writing, which is what a client that sends its requests
 * and then shuts its output down relies on. Reactor Netty closes a connection at once on
 * any {@code close_notify}, as TLS 1.2 required, and the answers still to come are lost.
 * On TLS 1.3 this handler, right behind the SSL handler, turns the {@code close_notify}
 * into the half-close it is: an input shutdown event fired from the pipeline's head,
 * which the server's own half-close handling takes as it takes a TCP half-close (TCP
 * servers answer what was received, HTTP servers as their {@code half-close} setting
 * says). Before TLS 1.3 the connection is closed at once, as that version wants.
 */
@ChannelHandler.Sharable
public final class TlsHalfClose extends ChannelInboundHandlerAdapter {

	/** The handler's name in a connection's pipeline. */
	public static final String NAME = "qtserver.tlsHalfClose";

	private static final TlsHalfClose INSTANCE = new TlsHalfClose();

	private static final String TLS_1_3 = "TLSv1.3";

	private TlsHalfClose() {
	}

	/**
	 * Put the handler behind a connection's SSL handler, if it has one.
	 * @param pipeline the connection's pipeline
	 */
	public static void install(ChannelPipeline pipeline) {
		// before the handshake Reactor Netty's SNI handler holds the place (under its SSL
		// handler name) that the SSL handler takes, named after its class, once the
		// client's server name has chosen a context
		ChannelHandlerContext ssl = pipeline.context(SslHandler.class);
		String name = (ssl != null) ? ssl.name()
				: (pipeline.get(NettyPipeline.SslHandler) != null) ? NettyPipeline.SslHandler : null;
		if (name != null) {
			pipeline.addAfter(name, NAME, INSTANCE);
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
		if (evt == SslCloseCompletionEvent.SUCCESS && isTls13(ctx)) {
			// from the pipeline's head, as Netty fires a TCP half-close: every handler
			// sees it, and decoders end what they were decoding
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
