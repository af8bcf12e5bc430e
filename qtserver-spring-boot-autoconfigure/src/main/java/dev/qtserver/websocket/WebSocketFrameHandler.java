package dev.qtserver.websocket;

import java.util.function.BiConsumer;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionPipeline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * Sits after the WebSocket decoder and the aggregator of an upgraded session. It answers
 * pings, routes pongs and the closing handshake to the session, checks that text messages
 * are UTF-8, passes whole messages on to whoever reads the session, and turns protocol
 * violations into the right close code: 1002 for a broken frame, 1007 for invalid UTF-8,
 * 1009 for a frame or message too big.
 */
final class WebSocketFrameHandler extends ChannelInboundHandlerAdapter {

	/** The handler's name in the session's pipeline. */
	static final String NAME = "qtserver.wsFrames";

	/**
	 * Data frames a session without a handler may hold unread before the server stops
	 * reading it; until then pings, pongs and close frames are answered whether or not
	 * the application reads.
	 */
	private static final int UNREAD_LIMIT = 32;

	private final QWebSocket session;

	/** Data frames passed on to whoever reads the session. */
	private long forwarded;

	private final BiConsumer<QWebSocket, WebSocketProtocolException> violations;

	/**
	 * Whether the end of input went to the handler's flow (the peer's close frame, or a
	 * shutdown's): data frames from now on are dropped. Touched only on the event loop.
	 */
	private boolean inputEnded;

	WebSocketFrameHandler(QWebSocket session, BiConsumer<QWebSocket, WebSocketProtocolException> violations) {
		this.session = session;
		this.violations = violations;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		readOnIfUnhandled(ctx);
	}

	/**
	 * End a handled session's input because the server shuts down, as the peer's close
	 * frame would (on the event loop, through this handler's context): its handler
	 * answers every message read so far and then sends its close frame. Data frames from
	 * now on are read and dropped, and the reading goes on, so that pings are answered
	 * and the peer's answer to the close frame is read. The idle timer stops: the answers
	 * may take longer. Nothing happens when the input has ended already (the peer's close
	 * frame, an earlier shutdown) or the closing handshake has begun.
	 * @param ctx this handler's context
	 */
	void endInputForShutdown(ChannelHandlerContext ctx) {
		if (this.inputEnded || this.session.isCloseSent() || !ctx.channel().isActive()) {
			return;
		}
		// before the end of input: the handler's close at its end is the shutdown's
		this.session.state().drainingForShutdown();
		endInput(ctx);
		// after the end of input: the inbound stream may turn auto-read off as it queues
		// it, which would stop the reads that drop what the peer sends, and its close
		// frame among them
		ctx.channel().config().setAutoRead(true);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		ctx.fireChannelReadComplete();
		readOnIfUnhandled(ctx);
	}

	/**
	 * A handler's flow asks for reads as it consumes; a session the application reads (or
	 * has not taken yet) is read here, so that its control frames are answered, up to a
	 * bounded backlog.
	 */
	private void readOnIfUnhandled(ChannelHandlerContext ctx) {
		if (!this.session.isHandledByHandler() && ctx.channel().isActive()
				&& this.session.backlog(this.forwarded) < UNREAD_LIMIT) {
			ctx.read();
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof PingWebSocketFrame ping) {
			ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
			return;
		}
		if (msg instanceof PongWebSocketFrame pong) {
			try {
				this.session.pongReceived(pong.content());
			}
			finally {
				pong.release();
			}
			return;
		}
		if (msg instanceof CloseWebSocketFrame close) {
			try {
				closeReceived(ctx, close);
			}
			finally {
				close.release();
			}
			return;
		}
		if (msg instanceof WebSocketFrame && (this.inputEnded || this.session.isCloseSent())) {
			// after our close frame, data frames are discarded (RFC 6455 section 5.5.1),
			// and after the end of input nobody reads them
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof TextWebSocketFrame text && !Utf8.isValid(text.content())) {
			text.release();
			exceptionCaught(ctx, new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
					"invalid UTF-8 in a text message"));
			return;
		}
		if (msg instanceof WebSocketFrame) {
			this.forwarded++;
		}
		ctx.fireChannelRead(msg);
	}

	private void closeReceived(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
		boolean answered = this.session.isCloseSent();
		int code = close.statusCode();
		this.session.closeReceived((code < 0) ? CloseCode.MISSING_STATUS_CODE.code() : code, close.reasonText());
		if (answered) {
			return;
		}
		if (!this.session.isHandledByHandler()) {
			// answer at once, as Qt does; the application's receive() still ends in order
			this.session.closeWith(CloseReason.PEER_CLOSED);
		}
		if (!this.inputEnded) {
			// a handler answers what came before the close frame, then closes with the
			// peer's code (a shutdown may have ended the input already: then its close
			// frame answers this one)
			endInput(ctx);
		}
	}

	/**
	 * Send the end of input after what was read, and drop data frames from now on. The
	 * peer's silence from now on is not idleness, and the answers still being worked out
	 * must not be cut by the idle timeout.
	 */
	private void endInput(ChannelHandlerContext ctx) {
		this.inputEnded = true;
		ConnectionPipeline.stopIdleTimer(ctx.pipeline());
		ctx.fireChannelRead(WebSocketFrames.END_OF_INPUT);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		WebSocketProtocolException violation = toViolation(cause);
		if (violation == null) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		this.violations.accept(this.session, violation);
		// the reader learns of it while it still reads: once the close below completes,
		// Reactor Netty's inbound is terminated and would only log the error as seen
		// "post termination"
		ctx.fireExceptionCaught(violation);
		// fail the connection (RFC 6455 section 7.1.7): close frame, then the TCP close
		this.session.failConnection(violation.getCloseCode().code(), reasonFor(violation.getCloseCode()));
	}

	private static String reasonFor(CloseCode code) {
		return switch (code) {
			case TOO_MUCH_DATA -> "Message too big";
			case WRONG_DATATYPE -> "Invalid UTF-8";
			default -> "Protocol error";
		};
	}

	private static @Nullable WebSocketProtocolException toViolation(Throwable cause) {
		if (cause instanceof CorruptedWebSocketFrameException corrupted) {
			CloseCode code = CloseCode.of(corrupted.closeStatus().code());
			return new WebSocketProtocolException((code != null) ? code : CloseCode.PROTOCOL_ERROR,
					String.valueOf(corrupted.getMessage()), corrupted);
		}
		if (cause instanceof TooLongFrameException tooLong) {
			return new WebSocketProtocolException(CloseCode.TOO_MUCH_DATA, String.valueOf(tooLong.getMessage()),
					tooLong);
		}
		return null;
	}

}
