package dev.qtserver.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of one server, cheap to update on hot paths and read by metrics binders
 * and health indicators. Totals only grow; figures that go up and down (open and pending
 * connections) are read from the server itself.
 */
public final class ServerStatistics {

	private final LongAdder accepted = new LongAdder();

	private final LongAdder messagesReceived = new LongAdder();

	private final LongAdder messagesSent = new LongAdder();

	private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);

	private final LongAdder errors = new LongAdder();

	private final LongAdder handlerErrors = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	/** Whether connections accepted now get a {@link ByteCounter}. */
	private volatile boolean countingBytes;

	private final Durations webSocketHandshakes = new Durations();

	/**
	 * What the TLS failure counters say of connections turned away: these errors are a
	 * refused handshake ({@link RejectReason#TLS_FAILURE}), a timeout is
	 * {@link RejectReason#HANDSHAKE_TIMEOUT}, a client that went away is no rejection.
	 */
	public static final Set<SocketError> TLS_REFUSALS = Collections.unmodifiableSet(
			EnumSet.of(SocketError.SSL_HANDSHAKE_FAILED, SocketError.SSL_INTERNAL, SocketError.SSL_INVALID_USER_DATA));

	/** Rejections the kinds count; the TLS ones are derived from the TLS failures. */
	private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

	private final Durations tlsHandshakes = new Durations();

	private final Map<SocketError, LongAdder> tlsFailures = new EnumMap<>(SocketError.class);

	/**
	 * Create statistics with every total at zero.
	 */
	public ServerStatistics() {
		for (CloseReason reason : CloseReason.values()) {
			this.closed.put(reason, new LongAdder());
		}
		for (RejectReason reason : RejectReason.values()) {
			this.rejected.put(reason, new LongAdder());
		}
		for (SocketError error : SocketError.values()) {
			this.tlsFailures.put(error, new LongAdder());
		}
	}

	/** Count a connection the application or a handler was given. */
	public void connectionAccepted() {
		this.accepted.increment();
	}

	/** Count a message received. */
	public void messageReceived() {
		this.messagesReceived.increment();
	}

	/**
	 * Count messages received together.
	 * @param count how many
	 */
	public void messagesReceived(int count) {
		this.messagesReceived.add(count);
	}

	/**
	 * Count a message written to a peer; {@link ConnectionChannel} counts each one, once
	 * it is written, whichever way it was sent.
	 */
	public void messageSent() {
		this.messagesSent.increment();
	}

	/**
	 * Count messages written to a peer together, in one buffer.
	 * @param count how many
	 */
	public void messagesSent(int count) {
		this.messagesSent.add(count);
	}

	/**
	 * @param reason why a connection closed, counted
	 */
	public void connectionClosed(CloseReason reason) {
		closedCounter(reason).increment();
	}

	/** Count a connection error (handler failure, protocol violation). */
	public void error() {
		this.errors.increment();
	}

	/**
	 * Count an exception thrown by handler code (an annotated handler method, a handler
	 * bean, an HTTP route) or a reply it returned that failed. It is a connection error
	 * too, counted by {@link #error()} where it is reported.
	 */
	public void handlerError() {
		this.handlerErrors.increment();
	}

	/**
	 * Count the bytes of every connection accepted from now on. Only the byte meters read
	 * them, so a server counts bytes once a metrics binder has asked it to: without a
	 * registry no connection pays for it.
	 */
	public void countBytes() {
		this.countingBytes = true;
	}

	/**
	 * Return whether connections accepted now count their bytes.
	 * @return whether bytes are counted
	 */
	public boolean isCountingBytes() {
		return this.countingBytes;
	}

	/**
	 * Count bytes read from the network, as they came off the socket (TLS records before
	 * decryption). Called by {@link ByteCounter} once per read, not per message.
	 * @param bytes how many
	 */
	public void bytesReceived(long bytes) {
		this.bytesReceived.add(bytes);
	}

	/**
	 * Count bytes handed to the socket, as they go out (TLS records after encryption).
	 * Called by {@link ByteCounter} once per flush, not per message.
	 * @param bytes how many
	 */
	public void bytesSent(long bytes) {
		this.bytesSent.add(bytes);
	}

	/**
	 * Count a WebSocket opening handshake that succeeded.
	 * @param took how long it took, from the start of the handshake until the upgrade
	 * response was written
	 */
	public void webSocketHandshakeCompleted(Duration took) {
		this.webSocketHandshakes.add(took);
	}

	/**
	 * Count a TLS handshake that ended with an encrypted connection.
	 * @param took how long it took, from the listener's admission
	 */
	public void tlsHandshakeCompleted(Duration took) {
		this.tlsHandshakes.add(took);
	}

	/**
	 * Count a TLS handshake that failed (the connection was closed).
	 * @param error why: {@link SocketError#SSL_HANDSHAKE_FAILED},
	 * {@link SocketError#SOCKET_TIMEOUT}, {@link SocketError#REMOTE_HOST_CLOSED}, ...
	 */
	public void tlsHandshakeFailed(SocketError error) {
		Objects.requireNonNull(this.tlsFailures.get(error), "every SocketError has a counter").increment();
	}

	/**
	 * @return TLS handshakes completed so far
	 */
	public long tlsHandshakesCompleted() {
		return this.tlsHandshakes.count.sum();
	}

	/**
	 * @return the time the completed TLS handshakes took, in nanoseconds
	 */
	public long tlsHandshakeNanos() {
		return this.tlsHandshakes.nanos.sum();
	}

	/**
	 * @param error why a handshake failed @return TLS handshakes that failed for that
	 * reason so far
	 */
	public long tlsHandshakesFailed(SocketError error) {
		return Objects.requireNonNull(this.tlsFailures.get(error), "every SocketError has a counter").sum();
	}

	/**
	 * @return connections accepted so far
	 */
	public long accepted() {
		return this.accepted.sum();
	}

	/**
	 * @return messages received so far
	 */
	public long messagesReceived() {
		return this.messagesReceived.sum();
	}

	/**
	 * @return messages sent so far
	 */
	public long messagesSent() {
		return this.messagesSent.sum();
	}

	/**
	 * @param reason a close reason @return connections closed for that reason so far
	 */
	public long closed(CloseReason reason) {
		return closedCounter(reason).sum();
	}

	private LongAdder closedCounter(CloseReason reason) {
		// the constructor puts a counter in the map for every CloseReason
		return Objects.requireNonNull(this.closed.get(reason), "every CloseReason has a counter");
	}

	/**
	 * @return connection errors so far
	 */
	public long errors() {
		return this.errors.sum();
	}

	/**
	 * @return exceptions thrown by handler code so far
	 */
	public long handlerErrors() {
		return this.handlerErrors.sum();
	}

	/**
	 * @return bytes read from the network so far
	 */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/**
	 * @return bytes handed to the network so far
	 */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	/**
	 * @return WebSocket opening handshakes that succeeded so far
	 */
	public long webSocketHandshakesCompleted() {
		return this.webSocketHandshakes.count.sum();
	}

	/**
	 * @return the time the successful WebSocket handshakes took, in nanoseconds
	 */
	public long webSocketHandshakeNanos() {
		return this.webSocketHandshakes.nanos.sum();
	}

	/**
	 * Count a connection turned away before the application saw it. TLS handshakes that
	 * failed are counted with {@link #tlsHandshakeFailed(SocketError)} only: they count
	 * here by themselves.
	 * @param reason why
	 */
	public void connectionRejected(RejectReason reason) {
		rejectedCounter(reason).increment();
	}

	/**
	 * Return the connections turned away for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long rejected(RejectReason reason) {
		long counted = rejectedCounter(reason).sum();
		return switch (reason) {
			case HANDSHAKE_TIMEOUT -> counted + tlsHandshakesFailed(SocketError.SOCKET_TIMEOUT);
			case TLS_FAILURE -> counted + TLS_REFUSALS.stream().mapToLong(this::tlsHandshakesFailed).sum();
			default -> counted;
		};
	}

	private LongAdder rejectedCounter(RejectReason reason) {
		// the constructor puts a counter in the map for every RejectReason
		return Objects.requireNonNull(this.rejected.get(reason), "every RejectReason has a counter");
	}

	/**
	 * How many of something completed, and the time they took together: a timer's totals.
	 */
	private static final class Durations {

		final LongAdder count = new LongAdder();

		final LongAdder nanos = new LongAdder();

		void add(Duration took) {
			this.count.increment();
			this.nanos.add(took.toNanos());
		}

	}

}
