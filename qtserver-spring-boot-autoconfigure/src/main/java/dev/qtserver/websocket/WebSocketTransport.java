package dev.qtserver.websocket;

import java.nio.ByteBuffer;

import dev.qtserver.core.CloseReason;
import dev.qtserver.handler.MessageTransport;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.jspecify.annotations.Nullable;

/**
 * The messages of one WebSocket session as an annotated handler sees them: text frames
 * for a {@code String} parameter, binary frames for {@code byte[]} or {@code ByteBuffer}.
 * A message of the other type closes the session with 1003 (unsupported data), as RFC
 * 6455 prescribes.
 */
final class WebSocketTransport implements MessageTransport<QWebSocket> {

	private final QWebSocket session;

	private final QWebSocketServer server;

	private final @Nullable Class<?> payloadType;

	WebSocketTransport(QWebSocket session, QWebSocketServer server, @Nullable Class<?> payloadType) {
		this.session = session;
		this.server = server;
		this.payloadType = payloadType;
	}

	@Override
	public QWebSocket connection() {
		return this.session;
	}

	@Override
	public boolean isEndOfInput(Object frame) {
		return frame == WebSocketFrames.END_OF_INPUT;
	}

	@Override
	public @Nullable Object decode(Object frame) {
		if (this.payloadType == null) {
			return null;
		}
		if (frame instanceof TextWebSocketFrame text) {
			if (this.payloadType == String.class) {
				return text.text();
			}
			return unsupported("text");
		}
		if (frame instanceof BinaryWebSocketFrame binary) {
			if (this.payloadType == byte[].class) {
				return ByteBufUtil.getBytes(binary.content());
			}
			if (this.payloadType == ByteBuffer.class) {
				return ByteBuffer.wrap(ByteBufUtil.getBytes(binary.content()));
			}
			return unsupported("binary");
		}
		return null;
	}

	private @Nullable Object unsupported(String kind) {
		String reason = "This endpoint does not take " + kind + " messages";
		this.session.state().closing(CloseReason.PROTOCOL_ERROR);
		failed(new WebSocketProtocolException(CloseCode.DATATYPE_NOT_SUPPORTED, reason, null));
		this.session.close(CloseCode.DATATYPE_NOT_SUPPORTED, reason);
		return null;
	}

	@Override
	public void write(Object reply) {
		this.session.write(reply);
	}

	@Override
	public void flush() {
		this.session.flush();
	}

	@Override
	public boolean isWritable() {
		return this.session.isWritable();
	}

	@Override
	public void failed(Throwable error) {
		this.server.sessionFailed(this.session, error);
	}

	@Override
	public void handlerThrew() {
		this.server.statistics().handlerError();
	}

	@Override
	public void inboundFailed(Throwable error) {
		// protocol violations were reported (and the session closed) where they were
		// detected
		if (!(error instanceof WebSocketProtocolException)) {
			failed(error);
		}
	}

	@Override
	public void received(int messages) {
		this.server.statistics().messagesReceived(messages);
	}

}
