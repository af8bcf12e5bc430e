package dev.qtserver.tcp;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.qtserver.core.AbstractQtConnection;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionPipeline;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.EventLoops;
import dev.qtserver.core.LingeringClose;
import dev.qtserver.core.ServerStatistics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/**
 * A connection accepted by a {@link QTcpServer}: the server side of Qt's
 * {@code QTcpSocket}.
 *
 * <p>
 * Writes are framed as the server's {@link TcpFraming} says. A connection taken with
 * {@link QTcpServer#nextPendingConnection()} is read with {@link #receive()}; one bound
 * to a handler is read by the handler.
 */
public final class QTcpSocket extends AbstractQtConnection {

	/**
	 * Pipeline names of the handlers {@link QTcpServer} puts in front of Reactor Netty's
	 * bridge.
	 */
	static final String FRAME_DECODER = "qtserver.frameDecoder";

	static final String FRAME_ERRORS = "qtserver.frameErrors";

	static final String INPUT_SHUTDOWN = "qtserver.inputShutdown";

	static final String IO_ERRORS = "qtserver.ioErrors";

	private final TcpFrameCodec codec;

	/** Whether whoever reads this connection understands {@link EndOfInput}. */
	private volatile boolean readsEndOfInput;

	/**
	 * Whether its reader answers every frame before an {@link EndOfInput} and then closes
	 * the connection (an annotated handler does).
	 */
	private volatile boolean closesAtEndOfInput;

	/** Whether an end of input went to the reader; on the event loop only. */
	private boolean endOfInputSent;

	/**
	 * Whether the application reads through {@link #receive()} or {@link #receiveText()}
	 * now.
	 */
	private volatile boolean received;

	QTcpSocket(long id, String serverName, Connection connection, TcpFrameCodec codec, ConnectionState state,
			ServerStatistics statistics) {
		super(id, serverName, connection, state, statistics);
		this.codec = codec;
	}

	@Override
	public boolean isOpen() {
		return channel().isActive();
	}

	/**
	 * Send text, encoded with the server's charset and framed.
	 * @param text the text
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(String text) {
		return sendPayload(text);
	}

	/**
	 * Send bytes, framed.
	 * @param bytes the bytes
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(byte[] bytes) {
		return sendPayload(bytes);
	}

	/**
	 * Send the remaining bytes of a buffer, framed; the buffer's position is left as it
	 * was.
	 * @param bytes the bytes
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(ByteBuffer bytes) {
		return sendPayload(bytes);
	}

	private CompletableFuture<Void> sendPayload(Object payload) {
		return channel().send(encode(payload));
	}

	private ByteBuf encode(Object payload) {
		return this.codec.encode(channel().connection().channel().alloc(), payload);
	}

	/**
	 * Return the incoming messages, one byte array per frame. Only for connections taken
	 * with {@link QTcpServer#nextPendingConnection()}; may be subscribed once. Completes
	 * when the peer closes or shuts its sending side down (the connection stays open for
	 * writing until {@link #close()}); errors with a {@link FramingException} when the
	 * peer breaks the framing ({@link FrameTooLongException} on an oversized frame,
	 * {@link MalformedFrameException} on one the framing cannot decode).
	 * @return the incoming frames
	 */
	public Flux<byte[]> receive() {
		return receiveFrames(ByteBufUtil::getBytes);
	}

	/**
	 * Return the incoming messages as text, decoded with the server's charset. Same rules
	 * as {@link #receive()}.
	 * @return the incoming frames as text
	 */
	public Flux<String> receiveText() {
		return receiveFrames((frame) -> frame.toString(this.codec.charset()));
	}

	private <T> Flux<T> receiveFrames(Function<ByteBuf, T> decoder) {
		// decoded on the event loop, inside onNext, while the frame is still valid
		return connection().inbound()
			.receiveObject()
			.doOnSubscribe((subscription) -> this.received = true)
			.doFinally((signal) -> this.received = false)
			.takeWhile((frame) -> frame != EndOfInput.INSTANCE)
			.map((frame) -> {
				statistics().messageReceived();
				return decoder.apply((ByteBuf) frame);
			});
	}

	/**
	 * Close the connection once what was written so far has been flushed.
	 */
	@Override
	public void close() {
		closeWith(CloseReason.CLOSED_BY_APPLICATION);
	}

	/**
	 * Give the connection up to another server kind, as Qt's
	 * {@code QWebSocketServer::handleConnection} takes a {@code QTcpSocket}: the TCP
	 * server's framing, its end-of-input and I/O-error handling come off the pipeline,
	 * and half-closure is turned off (a peer that goes away is gone, as on the other
	 * kind's own connections). Call it on the connection's event loop, before the new
	 * owner sets its pipeline up.
	 * @return the connection, bare
	 */
	public Connection handOver() {
		ChannelPipeline pipeline = connection().channel().pipeline();
		for (String name : List.of(FRAME_DECODER, FRAME_ERRORS, INPUT_SHUTDOWN, IO_ERRORS)) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
		connection().channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
		return connection();
	}

	/**
	 * Close the connection once what was written has been flushed, recording why.
	 * @param reason why the server closes it
	 */
	@Override
	public void closeWith(CloseReason reason) {
		state().closing(reason);
		channel().closeAfter(Unpooled.EMPTY_BUFFER);
	}

	/**
	 * Begin closing because the server shuts down. A connection read by an annotated
	 * handler stops reading at once, as if the peer had shut its sending side down: the
	 * handler answers every frame read so far and then closes it, so a server that shuts
	 * down drops no request it took in, and what the peer sends from now on is dropped.
	 * The close lingers, so the answers reach a peer that is still sending. Other
	 * connections close behind the work queued on them.
	 */
	@Override
	public void closeForShutdown() {
		if (!this.closesAtEndOfInput) {
			super.closeForShutdown();
			return;
		}
		Channel channel = connection().channel();
		EventLoops.execute(channel, () -> {
			ChannelHandlerContext end = channel.pipeline().context(INPUT_SHUTDOWN);
			if (end == null) {
				closeWith(CloseReason.SERVER_SHUTDOWN);
				return;
			}
			if (!channel.isActive() || !claimEndOfInput()) {
				// closed, or an end of input (the peer's, or an earlier shutdown's) is on
				// its way to the reader, which closes at its end
				return;
			}
			// before the end of input: the reader's close at its end is the shutdown's
			state().drainingForShutdown();
			ConnectionPipeline.stopIdleTimer(channel.pipeline());
			end.fireChannelRead(EndOfInput.INSTANCE);
			// after the end of input: the inbound stream may turn auto-read off as it
			// queues it, which would stop the reads that drop what the peer sends
			LingeringClose.dropInput(channel);
		});
	}

	/**
	 * Write a framed reply without flushing (event loop or this connection's worker
	 * only).
	 */
	void write(Object payload) {
		channel().write(encode(payload));
	}

	/**
	 * Write a frame that is framed already (a received frame going back as it came)
	 * without a copy and without flushing. On the event loop only.
	 * @param frame the frame
	 * @param giveReference whether the caller's reference goes with the frame, else the
	 * write takes one of its own and the caller keeps its reference
	 */
	void writeFrame(ByteBuf frame, boolean giveReference) {
		channel().write(giveReference ? frame : frame.retain());
	}

	/** Flush what {@link #write(Object)} wrote, from the same thread. */
	void flush() {
		channel().flush();
	}

	boolean isWritable() {
		return channel().isWritable();
	}

	void readEndOfInput() {
		this.readsEndOfInput = true;
	}

	boolean readsEndOfInput() {
		return this.readsEndOfInput;
	}

	/**
	 * Claim the one end of input that goes to the reader (on the event loop): the peer's
	 * half-close and a shutdown may both end the input.
	 * @return whether the caller sends it; {@code false} if one went already
	 */
	boolean claimEndOfInput() {
		if (this.endOfInputSent) {
			return false;
		}
		this.endOfInputSent = true;
		return true;
	}

	void closeAtEndOfInput() {
		readEndOfInput();
		this.closesAtEndOfInput = true;
	}

	boolean isReceived() {
		return this.received;
	}

}
