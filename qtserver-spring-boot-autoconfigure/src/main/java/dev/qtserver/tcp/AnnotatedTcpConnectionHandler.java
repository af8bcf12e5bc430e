package dev.qtserver.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;

import dev.qtserver.core.ConnectionPipeline;
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
 *
 * <p>
 * Frames reach it whole (delimiter or length field included, see {@link TcpFrameCodec}).
 * A {@code ByteBuffer} payload handled at once on the event loop is a view of the frame's
 * payload rather than a copy; returned unchanged, it goes back as the frame itself.
 */
final class AnnotatedTcpConnectionHandler implements TcpConnectionHandler {

	private final AnnotatedHandler<QTcpSocket> handler;

	private final QTcpServer server;

	private final TcpFrameCodec codec;

	private final PayloadDecoder decoder;

	/** Whether payloads handled at once on the event loop are views of their frames. */
	private final boolean views;

	private AnnotatedTcpConnectionHandler(AnnotatedHandler<QTcpSocket> handler, QTcpServer server) {
		this.handler = handler;
		this.server = server;
		this.codec = server.codec();
		this.decoder = decoder(handler.payloadType(), server.settings().charset());
		this.views = handler.payloadType() == ByteBuffer.class;
	}

	static AnnotatedTcpConnectionHandler of(Object bean, String beanName, HandlerExecution execution,
			QTcpServer server) {
		return new AnnotatedTcpConnectionHandler(AnnotatedHandler.of(bean, beanName, QTcpSocket.class, execution),
				server);
	}

	private static PayloadDecoder decoder(@Nullable Class<?> payloadType, Charset charset) {
		if (payloadType == String.class) {
			return (frame, index, length) -> frame.toString(index, length, charset);
		}
		if (payloadType == ByteBuffer.class) {
			return (frame, index, length) -> ByteBuffer.wrap(ByteBufUtil.getBytes(frame, index, length));
		}
		return ByteBufUtil::getBytes;
	}

	@Override
	public Publisher<Void> handle(QTcpSocket socket, NettyInbound inbound, NettyOutbound outbound) {
		AnnotatedMessageFlow<QTcpSocket> flow = new AnnotatedMessageFlow<>(this.handler, new Transport(socket),
				this.server);
		ConnectionPipeline.addLast(socket.connection(), "qtserver.flowEvents", new FlowEventsHandler(flow));
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
			ByteBuf buffer = (ByteBuf) frame;
			TcpFrameCodec codec = AnnotatedTcpConnectionHandler.this.codec;
			return AnnotatedTcpConnectionHandler.this.decoder.decode(buffer,
					buffer.readerIndex() + codec.payloadOffset(), codec.payloadLength(buffer));
		}

		@Override
		public boolean viewsFrames() {
			return AnnotatedTcpConnectionHandler.this.views;
		}

		@Override
		public Object decodeView(Object frame) {
			ByteBuf buffer = (ByteBuf) frame;
			if (!AnnotatedTcpConnectionHandler.this.views || buffer.nioBufferCount() != 1) {
				// a frame in pieces (a composite buffer) has no single view
				return decode(frame);
			}
			TcpFrameCodec codec = AnnotatedTcpConnectionHandler.this.codec;
			return buffer.nioBuffer(buffer.readerIndex() + codec.payloadOffset(), codec.payloadLength(buffer));
		}

		@Override
		public boolean takesFramesFromPipeline() {
			// the frame decoder's frames reach Reactor Netty's inbound as they are
			return true;
		}

		@Override
		public boolean writeView(Object view, Object frame, boolean giveReference) {
			ByteBuf buffer = (ByteBuf) frame;
			ByteBuffer bytes = (ByteBuffer) view;
			// a view (one buffer: not a copy) is exactly as long as the payload; if it
			// still covers all of it (what it holds now is what goes out), and the frame
			// is framed as the reply would be, the frame goes
			int length = bytes.capacity();
			if (bytes.position() == 0 && bytes.limit() == length && buffer.nioBufferCount() == 1
					&& AnnotatedTcpConnectionHandler.this.codec.isFramedAsReply(buffer, length)) {
				this.socket.writeFrame(buffer, giveReference);
				return true;
			}
			this.socket.write(view);
			return false;
		}

		@Override
		public void endView(Object view) {
			((ByteBuffer) view).limit(0);
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
			if (!(error instanceof FramingException)) {
				failed(error);
			}
		}

		@Override
		public void received(int messages) {
			AnnotatedTcpConnectionHandler.this.server.statistics().messagesReceived(messages);
		}

	}

	/** Decodes the payload region of a whole frame. */
	@FunctionalInterface
	private interface PayloadDecoder {

		Object decode(ByteBuf frame, int index, int length);

	}

}
