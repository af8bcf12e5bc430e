package dev.qtserver.tcp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionChannel;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.ManagedConnection;
import dev.qtserver.core.ServerStatistics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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
public final class QTcpSocket implements ManagedConnection {

	/**
	 * Pipeline names of the handlers {@link QTcpServer} puts in front of Reactor Netty's
	 * bridge.
	 */
	static final String FRAME_DECODER = "qtserver.frameDecoder";

	static final String FRAME_ERRORS = "qtserver.frameErrors";

	static final String INPUT_SHUTDOWN = "qtserver.inputShutdown";

	static final String IO_ERRORS = "qtserver.ioErrors";

	private final long id;

	private final String serverName;

	private final ConnectionChannel channel;

	private final TcpFrameCodec codec;

	private final ConnectionState state;

	private final ServerStatistics statistics;

	/** Whether whoever reads this connection understands {@link EndOfInput}. */
	private volatile boolean readsEndOfInput;

	/**
	 * Whether the application reads through {@link #receive()} or {@link #receiveText()}
	 * now.
	 */
	private volatile boolean received;

	QTcpSocket(long id, String serverName, Connection connection, TcpFrameCodec codec, ConnectionState state,
			ServerStatistics statistics) {
		this.id = id;
		this.serverName = serverName;
		this.codec = codec;
		this.state = state;
		this.statistics = statistics;
		this.channel = new ConnectionChannel(connection, state, statistics);
	}

	@Override
	public long id() {
		return this.id;
	}

	@Override
	public String serverName() {
		return this.serverName;
	}

	@Override
	public InetSocketAddress peerAddress() {
		return this.channel.peerAddress();
	}

	@Override
	public InetSocketAddress localAddress() {
		return this.channel.localAddress();
	}

	@Override
	public boolean isOpen() {
		return this.channel.isActive();
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
		return this.channel.send(encode(payload));
	}

	private ByteBuf encode(Object payload) {
		return this.codec.encode(this.channel.connection().channel().alloc(), payload);
	}

	/**
	 * Return the incoming messages, one byte array per frame. Only for connections taken
	 * with {@link QTcpServer#nextPendingConnection()}; may be subscribed once. Completes
	 * when the peer closes or shuts its sending side down (the connection stays open for
	 * writing until {@link #close()}); errors with {@link FrameTooLongException} on an
	 * oversized frame.
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
				this.statistics.messageReceived();
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

	@Override
	public Mono<Void> onClose() {
		return this.channel.onClose();
	}

	@Override
	public void whenClosed(Runnable callback) {
		this.channel.whenClosed(callback);
	}

	/**
	 * Wait until the connection has closed, as Qt's {@code waitForDisconnected}. Blocks,
	 * so it may not be called on an event loop.
	 * @param timeout how long to wait
	 * @return whether the connection closed within the timeout
	 */
	public boolean waitForDisconnected(Duration timeout) {
		return this.channel.awaitClose("QTcpSocket.waitForDisconnected", timeout);
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
	 * Return the Reactor Netty connection underneath, for full control.
	 * @return the connection
	 */
	public Connection connection() {
		return this.channel.connection();
	}

	@Override
	public ConnectionState state() {
		return this.state;
	}

	@Override
	public void closeWith(CloseReason reason) {
		this.state.closing(reason);
		this.channel.closeAfter(Unpooled.EMPTY_BUFFER);
	}

	@Override
	public void abort() {
		this.channel.abort();
	}

	@Override
	public String toString() {
		return "QTcpSocket[" + this.serverName + "#" + this.id + " " + peerAddress() + "]";
	}

	/**
	 * Write a framed reply without flushing (event loop or this connection's worker
	 * only).
	 */
	void write(Object payload) {
		this.channel.write(encode(payload));
	}

	/** Flush what {@link #write(Object)} wrote, from the same thread. */
	void flush() {
		this.channel.flush();
	}

	boolean isWritable() {
		return this.channel.isWritable();
	}

	void readEndOfInput() {
		this.readsEndOfInput = true;
	}

	boolean readsEndOfInput() {
		return this.readsEndOfInput;
	}

	boolean isReceived() {
		return this.received;
	}

}
