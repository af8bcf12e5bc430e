package dev.qtserver.http;

import java.util.function.Consumer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;

/**
 * Resets an HTTP/2 request stream whose head lacks what a request must carry (RFC 9113
 * §8.3.1: {@code :method}, and {@code :scheme} with a non-empty {@code :path}, or
 * {@code :authority} alone for {@code CONNECT}, §8.5) with {@code PROTOCOL_ERROR}, before
 * Netty's conversion to HTTP/1.x sees it. That conversion (Netty 4.2.17) allocates the
 * request's body buffer and then throws on a missing {@code :path} or {@code :method},
 * leaking the buffer, and the stream was answered with {@code CANCEL} or, without
 * {@code :method}, not at all: it held one of the connection's concurrent streams until
 * the connection closed.
 *
 * <p>
 * It sits right in front of the stream multiplexer, where the HEADERS frames pass. Added
 * last to a new connection, it is there on a cleartext connection that turns to HTTP/2
 * (by prior knowledge or by upgrade): Reactor Netty puts its frame codec where its
 * HTTP/1.1 codec was and the multiplexer last. Over TLS it joins the pipeline in front of
 * the multiplexer once ALPN has chosen HTTP/2 ({@link AfterProtocolNegotiation}), and not
 * at all on HTTP/1.1; it then brings the {@link PeerResetHandler} in front of it, which
 * would otherwise sit in front of the codec and see none of its errors. On a cleartext
 * HTTP/1.1 connection it sits behind what takes every message, and sees none.
 */
final class Http2RequestHeadGuard extends ChannelInboundHandlerAdapter {

	/** The handler's name in a connection's pipeline. */
	static final String NAME = "qtserver.h2RequestHead";

	private final Consumer<ChannelHandlerContext> refused;

	/** The highest stream whose head passed: a later HEADERS frame of one is trailers. */
	private int lastHead;

	private Http2RequestHeadGuard(Consumer<ChannelHandlerContext> refused) {
		this.refused = refused;
	}

	/**
	 * Put a guard last in a new connection's pipeline.
	 * @param pipeline the connection's pipeline
	 * @param refused told of each stream reset
	 */
	static void install(ChannelPipeline pipeline, Consumer<ChannelHandlerContext> refused) {
		Http2RequestHeadGuard guard = new Http2RequestHeadGuard(refused);
		boolean negotiates = AfterProtocolNegotiation.await(pipeline, NAME + ".afterAlpn", (negotiated) -> {
			// over TLS: once ALPN chose, if it chose HTTP/2
			ChannelHandlerContext multiplexer = negotiated.context(Http2MultiplexHandler.class);
			if (multiplexer != null) {
				negotiated.addBefore(multiplexer.name(), NAME, guard);
				// the peer's resets and the codec's errors come out behind the codec,
				// which ALPN put behind where the connection's handler was
				if (negotiated.get(PeerResetHandler.NAME) != null) {
					negotiated.remove(PeerResetHandler.NAME);
				}
				negotiated.addBefore(NAME, PeerResetHandler.NAME, PeerResetHandler.INSTANCE);
			}
		});
		if (!negotiates) {
			pipeline.addLast(NAME, guard);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof Http2HeadersFrame frame && frame.stream() != null && frame.stream().id() > this.lastHead) {
			this.lastHead = frame.stream().id();
			if (!isRequestHead(frame.headers())) {
				ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR).stream(frame.stream()));
				this.refused.accept(ctx);
				return;
			}
		}
		ctx.fireChannelRead(msg);
	}

	/**
	 * A stream broke the protocol where only the codec sees it (a body that does not
	 * match its {@code content-length}, trailers with a pseudo-header or that do not end
	 * the stream, a {@code content-length} on a request that ends with its head): a
	 * malformed request (RFC 9113 §8.1.1), reset here with the codec's error,
	 * {@code PROTOCOL_ERROR}. Netty's multiplexer would pass the error into the stream's
	 * pipeline, where Reactor Netty answers a request it has handed over with 500, and
	 * logs an error and resets with {@code CANCEL} one it has not. Reset here, the stream
	 * ends as if its client had reset it: a request whose body was being read is given
	 * up, unanswered.
	 */
	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof Http2FrameStreamException broken) {
			ctx.writeAndFlush(new DefaultHttp2ResetFrame(broken.error()).stream(broken.stream()));
			if (broken.error() == Http2Error.PROTOCOL_ERROR) {
				// a malformed request; a stream's flow-control error is no refused
				// request
				this.refused.accept(ctx);
			}
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

	private static boolean isRequestHead(Http2Headers headers) {
		CharSequence method = headers.method();
		if (method == null) {
			return false;
		}
		if (HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(method)
				&& !headers.contains(Http2Headers.PseudoHeaderName.PROTOCOL.value())) {
			// a tunnel names its target only (RFC 9113 §8.5); the extended CONNECT of RFC
			// 8441 (with :protocol) carries :scheme and :path as any request does
			return headers.authority() != null && headers.scheme() == null && headers.path() == null;
		}
		CharSequence path = headers.path();
		return headers.scheme() != null && path != null && path.length() > 0;
	}

}
