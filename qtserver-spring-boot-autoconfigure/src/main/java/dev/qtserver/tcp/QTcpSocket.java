package dev.qtserver.tcp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.EventLoops;
import dev.qtserver.core.ManagedConnection;
import dev.qtserver.core.Outbox;
import dev.qtserver.core.ServerStatistics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * A connection accepted by a {@link QTcpServer}: the server side of Qt's {@code QTcpSocket}.
 *
 * <p>Writes are framed as the server's {@link TcpFraming} says. A connection taken with
 * {@link QTcpServer#nextPendingConnection()} is read with {@link #receive()}; one bound to a
 * handler is read by the handler.
 */
public final class QTcpSocket implements ManagedConnection {

	private final long id;

	private final String serverName;

	private final Connection connection;

	private final TcpFrameCodec codec;

	private final ConnectionState state;

	private final ServerStatistics statistics;

	private final InetSocketAddress peerAddress;

	private final InetSocketAddress localAddress;

	private final Outbox outbox;

	/** Whether whoever reads this connection understands {@link EndOfInput}. */
	private volatile boolean readsEndOfInput;

	QTcpSocket(long id, String serverName, Connection connection, TcpFrameCodec codec, ConnectionState state,
			ServerStatistics statistics) {
		this.id = id;
		this.serverName = serverName;
		this.connection = connection;
		this.codec = codec;
		this.state = state;
		this.statistics = statistics;
		this.peerAddress = (InetSocketAddress) connection.channel().remoteAddress();
		this.localAddress = (InetSocketAddress) connection.channel().localAddress();
		this.outbox = new Outbox(connection.channel());
		// what the worker writes during a batch (replies, sends from event listeners) goes out together
		state.executor().setBatchHook(this.outbox::flush);
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
		return this.peerAddress;
	}

	@Override
	public InetSocketAddress localAddress() {
		return this.localAddress;
	}

	@Override
	public boolean isOpen() {
		return this.connection.channel().isActive();
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
	 * Send the remaining bytes of a buffer, framed; the buffer's position is left as it was.
	 * @param bytes the bytes
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(ByteBuffer bytes) {
		return sendPayload(bytes);
	}

	private CompletableFuture<Void> sendPayload(Object payload) {
		Channel channel = this.connection.channel();
		CompletableFuture<Void> result = new CompletableFuture<>();
		if (this.state.executor().inExecutor()) {
			// on this connection's worker: keep the order with the replies of the current batch
			this.outbox.add(this.codec.encode(channel.alloc(), payload), result);
			this.statistics.messageSent();
			return result;
		}
		ChannelFuture written = writeOrRelease(channel, this.codec.encode(channel.alloc(), payload), true);
		if (written == null) {
			result.completeExceptionally(new ClosedChannelException());
			return result;
		}
		written.addListener((ChannelFuture future) -> {
			if (future.isSuccess()) {
				this.statistics.messageSent();
				result.complete(null);
			}
			else {
				result.completeExceptionally(future.cause());
			}
		});
		return result;
	}

	/**
	 * Write from any thread. Once a closed channel has left its event loop Netty refuses writes
	 * by throwing, before it owns the buffer, so the buffer is released here.
	 */
	private static @Nullable ChannelFuture writeOrRelease(Channel channel, ByteBuf buffer, boolean flush) {
		try {
			return flush ? channel.writeAndFlush(buffer) : channel.write(buffer);
		}
		catch (IllegalStateException ex) {
			ReferenceCountUtil.safeRelease(buffer);
			return null;
		}
	}

	/**
	 * Return the incoming messages, one byte array per frame. Only for connections taken with
	 * {@link QTcpServer#nextPendingConnection()}; may be subscribed once. Completes when the peer
	 * closes or shuts its sending side down (the connection stays open for writing until
	 * {@link #close()}); errors with {@link FrameTooLongException} on an oversized frame.
	 * @return the incoming frames
	 */
	public Flux<byte[]> receive() {
		return receiveFrames(ByteBufUtil::getBytes);
	}

	/**
	 * Return the incoming messages as text, decoded with the server's charset. Same rules as
	 * {@link #receive()}.
	 * @return the incoming frames as text
	 */
	public Flux<String> receiveText() {
		return receiveFrames((frame) -> frame.toString(this.codec.charset()));
	}

	private <T> Flux<T> receiveFrames(Function<ByteBuf, T> decoder) {
		// decoded on the event loop, inside onNext, while the frame is still valid
		return this.connection.inbound()
			.receiveObject()
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
		return this.connection.onDispose();
	}

	/**
	 * Wait until the connection has closed, as Qt's {@code waitForDisconnected}. Blocks, so it
	 * may not be called on an event loop.
	 * @param timeout how long to wait
	 * @return whether the connection closed within the timeout
	 */
	public boolean waitForDisconnected(Duration timeout) {
		EventLoops.assertBlockingAllowed("QTcpSocket.waitForDisconnected");
		return this.connection.channel().closeFuture().awaitUninterruptibly(timeout.toMillis());
	}

	/**
	 * Return the Reactor Netty connection underneath, for full control.
	 * @return the connection
	 */
	public Connection connection() {
		return this.connection;
	}

	@Override
	public ConnectionState state() {
		return this.state;
	}

	@Override
	public void closeWith(CloseReason reason) {
		this.state.closing(reason);
		if (this.state.executor().inExecutor()) {
			this.outbox.flush();
		}
		ChannelFuture flushed = writeOrRelease(this.connection.channel(), Unpooled.EMPTY_BUFFER, true);
		if (flushed != null) {
			flushed.addListener(ChannelFutureListener.CLOSE);
		}
	}

	@Override
	public void abort() {
		this.connection.dispose();
	}

	@Override
	public String toString() {
		return "QTcpSocket[" + this.serverName + "#" + this.id + " " + this.peerAddress + "]";
	}

	/**
	 * Write a framed payload without flushing: on the event loop straight to the channel, on this
	 * connection's worker into the outbox for the end of the batch.
	 */
	void write(Object payload) {
		Channel channel = this.connection.channel();
		ByteBuf encoded = this.codec.encode(channel.alloc(), payload);
		if (channel.eventLoop().inEventLoop()) {
			writeOrRelease(channel, encoded, false);
		}
		else {
			this.outbox.add(encoded, null);
		}
	}

	/** Flush what {@link #write(Object)} wrote, from the same thread. */
	void flush() {
		Channel channel = this.connection.channel();
		if (channel.eventLoop().inEventLoop()) {
			channel.flush();
		}
		else {
			this.outbox.flush();
		}
	}

	boolean isWritable() {
		return this.connection.channel().isWritable();
	}

	void readEndOfInput() {
		this.readsEndOfInput = true;
	}

	boolean readsEndOfInput() {
		return this.readsEndOfInput;
	}

}
