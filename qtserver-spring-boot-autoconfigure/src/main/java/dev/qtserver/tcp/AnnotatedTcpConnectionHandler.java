package dev.qtserver.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.function.Function;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.handler.AnnotatedHandler;
import dev.qtserver.handler.AnnotatedMessageFlow;
import dev.qtserver.handler.FlowEventsHandler;
import dev.qtserver.handler.MessageTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * Runs an annotated handler bean on a TCP server's connections through an
 * {@link AnnotatedMessageFlow}: frames are decoded into the handler's payload type on the
 * event loop, handled where each method was placed (the event loop or the connection's
 * worker), and replies framed by the server's codec.
 */
final class AnnotatedTcpConnectionHandler implements TcpConnectionHandler {

	private final AnnotatedHandler<QTcpSocket> handler;

	private final QTcpServer server;

	private final Function<ByteBuf, Object> decoder;

	private AnnotatedTcpConnectionHandler(AnnotatedHandler<QTcpSocket> handler, QTcpServer server) {
		this.handler = handler;
		this.server = server;
		this.decoder = decoder(handler.payloadType(), server.settings().charset());
	}

	static AnnotatedTcpConnectionHandler of(Object bean, String beanName, HandlerExecution execution,
			QTcpServer server) {
		return new AnnotatedTcpConnectionHandler(AnnotatedHandler.of(bean, beanName, QTcpSocket.class, execution),
				server);
	}

	private static Function<ByteBuf, Object> decoder(@Nullable Class<?> payloadType, Charset charset) {
		if (payloadType == String.class) {
			return (buffer) -> buffer.toString(charset);
		}
		if (payloadType == ByteBuffer.class) {
			return (buffer) -> ByteBuffer.wrap(ByteBufUtil.getBytes(buffer));
		}
		return ByteBufUtil::getBytes;
	}

	@Override
	public Publisher<Void> handle(QTcpSocket socket, NettyInbound inbound, NettyOutbound outbound) {
		AnnotatedMessageFlow<QTcpSocket> flow = new AnnotatedMessageFlow<>(this.handler, new Transport(socket),
				this.server);
		socket.connection().addHandlerLast("qtserver.flowEvents", new FlowEventsHandler(flow));
		inbound.receiveObject().subscribe(flow);
		return socket.onClose();
	}

	/** Frames of one TCP connection, as the flow sees them. */
	private final class Transport implements MessageTransport<QTcpSocket> {

		private final QTcpSocket socket;

		Transport(QTcpSocket socket) {
			this.socket = socket;
		}

		@Override
		public QTcpSocket connection() {
			return this.socket;
		}

		@Override
		public boolean isEndOfInput(Object frame) {
			return frame == EndOfInput.INSTANCE;
		}

		@Override
		public Object decode(Object frame) {
			return AnnotatedTcpConnectionHandler.this.decoder.apply((ByteBuf) frame);
		}

		@Override
		public void write(Object reply) {
			this.socket.write(reply);
		}

		@Override
		public void flush() {
			this.socket.flush();
		}

		@Override
		public boolean isWritable() {
			return this.socket.isWritable();
		}

		@Override
		public void failed(Throwable error) {
			AnnotatedTcpConnectionHandler.this.server.connectionFailed(this.socket, error);
		}

		@Override
		public void handlerThrew() {
			AnnotatedTcpConnectionHandler.this.server.statistics().handlerError();
		}

		@Override
		public void inboundFailed(Throwable error) {
			// framing errors were reported (and the connection closed) where they were
			// detected
			if (!(error instanceof FrameTooLongException)) {
				failed(error);
			}
		}

		@Override
		public void received() {
			AnnotatedTcpConnectionHandler.this.server.statistics().messageReceived();
		}

	}

}
