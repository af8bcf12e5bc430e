package dev.qtserver.websocket;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.qtserver.core.AbstractQtConnection;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.EventLoops;
import dev.qtserver.core.ServerStatistics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/**
 * A WebSocket session accepted by a {@link QWebSocketServer}: the server side of Qt's
 * {@code QWebSocket}. Text is sent as text frames, bytes as binary frames; closing runs
 * the closing handshake of RFC 6455.
 */
public final class QWebSocket extends AbstractQtConnection {

	/**
	 * How long a close frame we sent waits for the peer's before the connection is cut.
	 */
	static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

	private static final byte[] HEARTBEAT_PAYLOAD = "qtserver-heartbeat".getBytes(StandardCharsets.US_ASCII);

	private final URI requestUrl;

	private final @Nullable String origin;

	private final @Nullable String subprotocol;

	private final AtomicBoolean closeSent = new AtomicBoolean();

	/** Pings awaiting their pong, oldest first for each payload. */
	private final Map<ByteBuffer, Queue<Ping>> pings = new ConcurrentHashMap<>();

	/** The write of our close frame, so a peer's answer closes only once it is out. */
	private volatile @Nullable ChannelFuture closeWrite;

	private volatile boolean closeReceived;

	private volatile int closeCode = CloseCode.ABNORMAL_DISCONNECTION.code();

	private volatile @Nullable String closeReasonText;

	/**
	 * Whether a handler reads this session (it answers the peer's close itself, in
	 * order).
	 */
	private volatile boolean handled;

	/**
	 * Whether the application reads through {@link #receive()} or {@link #receiveText()}
	 * now.
	 */
	private volatile boolean received;

	/**
	 * Data frames the application has taken through {@link #receive()}; see
	 * {@link #backlog}.
	 */
	private final AtomicLong consumed = new AtomicLong();

	private volatile long lastPongNanos = System.nanoTime();

	/**
	 * Whether messages go out encoded here, as the bytes of whole frames: when the server
	 * offers no extension, so that none can be in use on the session.
	 */
	private final boolean wireFrames;

	QWebSocket(long id, String serverName, Connection connection, ConnectionState state, ServerStatistics statistics,
			URI requestUrl, @Nullable String origin, @Nullable String subprotocol, boolean extensionsOffered) {
		super(id, serverName, connection, state, statistics);
		this.wireFrames = !extensionsOffered;
		// a ping the peer never answered fails when the session ends, rather than hanging
		channel().whenClosed(this::failPings);
		this.requestUrl = requestUrl;
		this.origin = origin;
		this.subprotocol = subprotocol;
	}

	@Override
	public boolean isOpen() {
		return channel().isActive() && !this.closeSent.get();
	}

	/**
	 * Return the URL the client asked for, as Qt's {@code requestUrl()}: scheme
	 * {@code ws} (or {@code wss}), the {@code Host} header, path and query.
	 * @return the request URL
	 */
	public URI requestUrl() {
		return this.requestUrl;
	}

	/**
	 * Return the client's origin, as Qt's {@code origin()}.
	 * @return the {@code Origin} header, or {@code null} when the client sent none
	 */
	public @Nullable String origin() {
		return this.origin;
	}

	/**
	 * Return the negotiated subprotocol, as Qt's {@code subprotocol()}.
	 * @return the subprotocol, or {@code null} when none was agreed
	 */
	public @Nullable String subprotocol() {
		return this.subprotocol;
	}

	/**
	 * Send a text message, as Qt's {@code sendTextMessage}.
	 * @param text the text
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(String text) {
		return sendMessage(encode(text));
	}

	/**
	 * Send a binary message, as Qt's {@code sendBinaryMessage}.
	 * @param bytes the bytes
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(byte[] bytes) {
		return sendMessage(encode(bytes));
	}

	/**
	 * Send the remaining bytes of a buffer as a binary message; its position is left as
	 * it was.
	 * @param bytes the bytes
	 * @return completes once written to the socket, or exceptionally if the write failed
	 */
	public CompletableFuture<Void> send(ByteBuffer bytes) {
		return sendMessage(encode(bytes));
	}

	/**
	 * Send a ping, as Qt's {@code ping(payload)}.
	 * @param payload up to 125 bytes, echoed by the peer's pong
	 * @return completes with the round-trip time when the matching pong arrives
	 */
	public CompletableFuture<Duration> ping(byte[] payload) {
		if (payload.length > 125) {
			throw new IllegalArgumentException("A ping payload has at most 125 bytes");
		}
		Ping ping = new Ping(System.nanoTime(), new CompletableFuture<>());
		Queue<Ping> waiting = this.pings.computeIfAbsent(ByteBuffer.wrap(payload.clone()),
				(key) -> new ConcurrentLinkedQueue<>());
		waiting.add(ping);
		PingWebSocketFrame frame = new PingWebSocketFrame(Unpooled.wrappedBuffer(payload.clone()));
		unlessCloseSent(frame, channel()::sendControl).whenComplete((done, ex) -> {
			if (ex != null) {
				waiting.remove(ping);
				ping.rtt.completeExceptionally(ex);
			}
		});
		if (!channel().isActive()) {
			failPings();
		}
		return ping.rtt;
	}

	/**
	 * A heartbeat ping: its pong only proves the peer alive; it completes no user ping.
	 */
	void heartbeat() {
		if (!this.closeSent.get()) {
			channel().sendControl(new PingWebSocketFrame(Unpooled.wrappedBuffer(HEARTBEAT_PAYLOAD)));
		}
	}

	private void failPings() {
		for (Queue<Ping> waiting : this.pings.values()) {
			for (Ping ping; (ping = waiting.poll()) != null;) {
				ping.rtt.completeExceptionally(new ClosedChannelException());
			}
		}
	}

	/**
	 * Return the incoming messages. Only for sessions taken with
	 * {@link QWebSocketServer#nextPendingConnection()}; may be subscribed once. Completes
	 * when the peer starts the closing handshake or the connection closes; errors with
	 * {@link WebSocketProtocolException} when the peer breaks the protocol.
	 * @return the incoming messages
	 */
	public Flux<WebSocketMessage> receive() {
		return receiveFrames(WebSocketFrames::toMessage);
	}

	/**
	 * Return the incoming text messages; binary messages are skipped. Same rules as
	 * {@link #receive()}.
	 * @return the incoming text
	 */
	public Flux<String> receiveText() {
		return receiveFrames((frame) -> (frame instanceof TextWebSocketFrame text) ? text.text() : null);
	}

	private <T> Flux<T> receiveFrames(Function<WebSocketFrame, @Nullable T> decoder) {
		// decoded on the event loop, inside onNext, while the frame is still valid
		return connection().inbound()
			.receiveObject()
			.doOnSubscribe((subscription) -> this.received = true)
			.doFinally((signal) -> this.received = false)
			.takeWhile((frame) -> frame != WebSocketFrames.END_OF_INPUT)
			.handle((frame, sink) -> {
				this.consumed.incrementAndGet();
				T message = decoder.apply((WebSocketFrame) frame);
				if (message != null) {
					statistics().messageReceived();
					sink.next(message);
				}
			});
	}

	/**
	 * Close with {@link CloseCode#NORMAL}, as Qt's {@code close()}.
	 */
	@Override
	public void close() {
		closeWith(CloseReason.CLOSED_BY_APPLICATION);
	}

	/**
	 * Start the closing handshake with a close code and reason, as Qt's
	 * {@code close(closeCode, reason)}.
	 * @param code the close code
	 * @param reason the reason, at most 123 bytes of UTF-8
	 */
	public void close(CloseCode code, String reason) {
		state().closing(CloseReason.CLOSED_BY_APPLICATION);
		sendClose(code.code(), reason);
	}

	/**
	 * Start the closing handshake with an application close code (4000-4999).
	 * @param code the close code
	 * @param reason the reason, at most 123 bytes of UTF-8
	 */
	public void close(int code, String reason) {
		if (code < 4000 || code > 4999) {
			throw new IllegalArgumentException("Application close codes are 4000-4999; use close(CloseCode, String)");
		}
		state().closing(CloseReason.CLOSED_BY_APPLICATION);
		sendClose(code, reason);
	}

	/**
	 * Return the close code of the closing handshake: the peer's if it started it, else
	 * ours.
	 * @return the close code, 1006 while the session is open or when it closed without
	 * one
	 */
	public int closeCode() {
		return this.closeCode;
	}

	/**
	 * Return the close reason of the closing handshake, as Qt's {@code closeReason()}:
	 * the text of the close frame. Why the session closed as the server sees it is the
	 * {@link CloseReason} of its {@link WebSocketClosedEvent}.
	 * @return the reason, or {@code null} when none was given
	 */
	public @Nullable String closeReason() {
		return this.closeReasonText;
	}

	@Override
	public void closeWith(CloseReason reason) {
		state().closing(reason);
		if (reason == CloseReason.PEER_CLOSED && this.closeReceived) {
			// answer the peer's close frame with its own code, as RFC 6455 asks
			sendClose(this.closeCode, "");
			return;
		}
		// the handler's close at the end of its input, when the peer did not end it, is
		// the close of whatever did: a shutdown (ConnectionState.drainingForShutdown)
		CloseReason why = (reason == CloseReason.PEER_CLOSED) ? state().whyClosed() : reason;
		CloseCode code = switch (why) {
			case PEER_CLOSED, CLOSED_BY_APPLICATION -> CloseCode.NORMAL;
			case HANDLER_ERROR -> CloseCode.BAD_OPERATION;
			case PROTOCOL_ERROR -> CloseCode.PROTOCOL_ERROR;
			default -> CloseCode.GOING_AWAY;
		};
		sendClose(code.code(), describe(why));
	}

	/**
	 * Begin closing because the server shuts down. A session read by an annotated handler
	 * stops taking messages at once, as if the peer had sent its close frame: the handler
	 * answers every message read so far and then sends the close frame (1001). Other
	 * sessions start the closing handshake behind the work queued on them.
	 */
	@Override
	public void closeForShutdown() {
		if (!this.handled) {
			super.closeForShutdown();
			return;
		}
		Channel netty = connection().channel();
		EventLoops.execute(netty, () -> {
			ChannelHandlerContext frames = netty.pipeline().context(WebSocketFrameHandler.NAME);
			if (frames != null) {
				((WebSocketFrameHandler) frames.handler()).endInputForShutdown(frames);
			}
		});
	}

	private static String describe(CloseReason reason) {
		return switch (reason) {
			case IDLE_TIMEOUT -> "Idle timeout";
			case SERVER_CLOSED -> "Server closed";
			case SERVER_SHUTDOWN -> "Server shutting down";
			case HANDLER_ERROR -> "Internal error";
			default -> "";
		};
	}

	/**
	 * Send a close frame once; the connection closes when the peer answers, or after a
	 * grace period if it never does.
	 */
	void sendClose(int code, String reasonText) {
		if (!this.closeSent.compareAndSet(false, true)) {
			return;
		}
		if (!this.closeReceived) {
			this.closeCode = code;
			this.closeReasonText = reasonText.isEmpty() ? null : reasonText;
		}
		ChannelFuture sent = channel().writeLast(new CloseWebSocketFrame(code, reasonText));
		if (sent == null) {
			return;
		}
		this.closeWrite = sent;
		if (this.closeReceived) {
			sent.addListener(ChannelFutureListener.CLOSE);
		}
		else {
			// a peer that never answers the close frame is cut after a grace period
			Channel netty = sent.channel();
			try {
				netty.eventLoop()
					.schedule(() -> netty.close(), CLOSE_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (IllegalStateException ex) {
				// closed and deregistered meanwhile: nothing left to cut
			}
		}
	}

	/**
	 * Fail the connection after a protocol violation: send a close frame and close the
	 * TCP connection once it is written, without waiting for the peer's answer.
	 */
	void failConnection(int code, String reasonText) {
		if (!this.closeSent.compareAndSet(false, true)) {
			return;
		}
		if (!this.closeReceived) {
			this.closeCode = code;
			this.closeReasonText = reasonText;
		}
		channel().closeAfter(new CloseWebSocketFrame(code, reasonText));
	}

	/** The peer sent a close frame (called on the event loop). */
	void closeReceived(int code, @Nullable String reasonText) {
		this.closeReceived = true;
		if (this.closeSent.get()) {
			// our close was answered: the handshake is complete once our frame is out (if
			// its write is still being handed over, the sender sees closeReceived and
			// closes)
			ChannelFuture written = this.closeWrite;
			if (written != null) {
				written.addListener(ChannelFutureListener.CLOSE);
			}
			return;
		}
		this.closeCode = code;
		this.closeReasonText = (reasonText == null || reasonText.isEmpty()) ? null : reasonText;
		state().peerShutDown();
	}

	boolean isCloseSent() {
		return this.closeSent.get();
	}

	/** A pong arrived (called on the event loop). */
	void pongReceived(ByteBuf payload) {
		this.lastPongNanos = System.nanoTime();
		Queue<Ping> waiting = this.pings.get(ByteBuffer.wrap(ByteBufUtil.getBytes(payload)));
		Ping ping = (waiting != null) ? waiting.poll() : null;
		if (ping != null) {
			ping.rtt.complete(Duration.ofNanos(System.nanoTime() - ping.sentNanos));
		}
	}

	long lastPongNanos() {
		return this.lastPongNanos;
	}

	/** Write a reply without flushing (event loop or this session's worker only). */
	void write(Object payload) {
		if (this.closeSent.get()) {
			// no data frame may follow our close frame (RFC 6455 section 5.5.1)
			return;
		}
		channel().write(encode(payload));
	}

	/** Flush what {@link #write(Object)} wrote, from the same thread. */
	void flush() {
		channel().flush();
	}

	boolean isWritable() {
		return channel().isWritable();
	}

	void handledByHandler() {
		this.handled = true;
	}

	/** Whether a handler or the application reads the session's input. */
	boolean isRead() {
		return this.handled || this.received;
	}

	boolean isHandledByHandler() {
		return this.handled;
	}

	/**
	 * Return how many of the given data frames passed on to readers the application has
	 * not taken yet.
	 */
	long backlog(long forwarded) {
		return forwarded - this.consumed.get();
	}

	private ByteBufAllocator allocator() {
		return connection().channel().alloc();
	}

	private Object encode(Object payload) {
		return WebSocketFrames.encode(allocator(), payload, this.wireFrames);
	}

	private CompletableFuture<Void> sendMessage(Object message) {
		return unlessCloseSent(message, channel()::send);
	}

	private CompletableFuture<Void> unlessCloseSent(Object message, Function<Object, CompletableFuture<Void>> sender) {
		if (this.closeSent.get()) {
			ReferenceCountUtil.release(message);
			return CompletableFuture.failedFuture(new ClosedChannelException());
		}
		return sender.apply(message);
	}

	private record Ping(long sentNanos, CompletableFuture<Duration> rtt) {
	}

}
