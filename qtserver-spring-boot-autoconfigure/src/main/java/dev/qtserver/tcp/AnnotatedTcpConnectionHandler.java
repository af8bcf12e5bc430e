package dev.qtserver.tcp;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.function.Function;

import dev.qtserver.core.CloseReason;
import dev.qtserver.handler.AnnotatedHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * Runs an annotated handler bean on a TCP server's connections. Frames are decoded into the
 * payload type on the event loop (where the buffer is valid), then handed to the connection's
 * serial worker, so handler methods may block without stalling other connections; replies are
 * written as they come and flushed once per batch.
 *
 * <p>Backpressure: a connection has at most {@value #PREFETCH} messages in flight; more are read
 * only as the handler works through them and while the socket can take the replies.
 */
final class AnnotatedTcpConnectionHandler implements TcpConnectionHandler {

	private static final Log logger = LogFactory.getLog(AnnotatedTcpConnectionHandler.class);

	static final int PREFETCH = 64;

	private final AnnotatedHandler<QTcpSocket> handler;

	private final QTcpServer server;

	private final Function<ByteBuf, Object> decoder;

	private AnnotatedTcpConnectionHandler(AnnotatedHandler<QTcpSocket> handler, QTcpServer server) {
		this.handler = handler;
		this.server = server;
		this.decoder = decoder(handler.payloadType(), server.settings().charset());
	}

	static AnnotatedTcpConnectionHandler of(Object bean, String beanName, QTcpServer server) {
		return new AnnotatedTcpConnectionHandler(AnnotatedHandler.of(bean, beanName, QTcpSocket.class), server);
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
		MessageFlow flow = new MessageFlow(socket);
		socket.executor().setBatchHook(flow::afterBatch);
		socket.executor().execute(flow::connected);
		socket.whenClosed(flow::disconnected);
		socket.connection().addHandlerLast("qtserver.writability", new WritabilityListener(flow));
		inbound.receiveObject().subscribe(flow);
		return socket.onClose();
	}

	/** One connection's messages: read on the event loop, handled on the connection's worker. */
	private final class MessageFlow extends BaseSubscriber<Object> {

		private final QTcpSocket socket;

		/** Messages handled since the last request for more; touched only on the worker. */
		private int consumed;

		private boolean unflushed;

		MessageFlow(QTcpSocket socket) {
			this.socket = socket;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(PREFETCH);
		}

		@Override
		protected void hookOnNext(Object frame) {
			if (frame == EndOfInput.INSTANCE) {
				// the peer is done sending: what it sent is answered first, then the connection closes
				this.socket.executor().execute(() -> {
					afterBatch();
					this.socket.closeWith(CloseReason.PEER_CLOSED);
				});
				return;
			}
			// decoded here, on the event loop, while the frame is still valid
			Object payload = AnnotatedTcpConnectionHandler.this.decoder.apply((ByteBuf) frame);
			AnnotatedTcpConnectionHandler.this.server.statistics().messageReceived();
			this.socket.executor().execute(() -> handleMessage(payload));
		}

		@Override
		protected void hookOnError(Throwable error) {
			this.socket.executor().execute(() -> inboundFailed(error));
		}

		void connected() {
			try {
				AnnotatedTcpConnectionHandler.this.handler.connected(this.socket);
			}
			catch (RuntimeException | Error ex) {
				handlerFailed(ex);
			}
		}

		void disconnected() {
			try {
				AnnotatedTcpConnectionHandler.this.handler.disconnected(this.socket);
			}
			catch (RuntimeException | Error ex) {
				logger.warn("@OnDisconnect of " + this.socket + " failed", ex);
			}
		}

		private void handleMessage(Object payload) {
			this.consumed++;
			try {
				reply(AnnotatedTcpConnectionHandler.this.handler.message(this.socket, payload));
			}
			catch (RuntimeException | Error ex) {
				handlerFailed(ex);
			}
		}

		private void handlerFailed(Throwable ex) {
			AnnotatedTcpConnectionHandler.this.server.connectionFailed(this.socket, ex);
			if (!AnnotatedTcpConnectionHandler.this.handler.handlesError(ex)) {
				logger.warn("Closing " + this.socket + ": its handler failed and no @OnError method takes the error", ex);
				this.socket.closeWith(CloseReason.HANDLER_ERROR);
				return;
			}
			callErrorMethod(ex);
		}

		private void inboundFailed(Throwable error) {
			if (!(error instanceof FrameTooLongException)) {
				// framing errors are already reported by the server; I/O errors are news
				AnnotatedTcpConnectionHandler.this.server.connectionFailed(this.socket, error);
			}
			if (AnnotatedTcpConnectionHandler.this.handler.handlesError(error)) {
				callErrorMethod(error);
			}
		}

		private void callErrorMethod(Throwable error) {
			try {
				reply(AnnotatedTcpConnectionHandler.this.handler.error(this.socket, error));
			}
			catch (RuntimeException | Error ex) {
				logger.warn("Closing " + this.socket + ": its @OnError method failed", ex);
				this.socket.closeWith(CloseReason.HANDLER_ERROR);
			}
		}

		private void reply(@Nullable Object reply) {
			if (reply == null) {
				return;
			}
			if (reply instanceof Publisher<?> stream) {
				// the worker may block: the next message waits for this stream, which keeps order
				for (Object item : Flux.from(stream).toIterable()) {
					write(item);
					this.socket.flush();
				}
				return;
			}
			write(reply);
		}

		private void write(Object payload) {
			this.socket.write(payload);
			this.unflushed = true;
			AnnotatedTcpConnectionHandler.this.server.statistics().messageSent();
		}

		/** After each batch on the worker: flush replies, then read more if the socket keeps up. */
		void afterBatch() {
			if (this.unflushed) {
				this.unflushed = false;
				this.socket.flush();
			}
			if (this.consumed > 0 && this.socket.isWritable()) {
				int credit = this.consumed;
				this.consumed = 0;
				request(credit);
			}
		}

		/** The socket drained its outbound buffer: give the worker a turn to ask for more. */
		void writable() {
			this.socket.executor().execute(() -> {
			});
		}

	}

	/** Tells the flow when a socket that could not take more replies can again. */
	private static final class WritabilityListener extends ChannelInboundHandlerAdapter {

		private final MessageFlow flow;

		WritabilityListener(MessageFlow flow) {
			this.flow = flow;
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			if (ctx.channel().isWritable()) {
				this.flow.writable();
			}
			ctx.fireChannelWritabilityChanged();
		}

	}

}
