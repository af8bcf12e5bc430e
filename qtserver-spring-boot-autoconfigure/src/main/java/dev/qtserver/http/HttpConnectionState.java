package dev.qtserver.http;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import javax.net.ssl.SSLSession;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.TlsStage;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Sinks;
import reactor.netty.channel.ChannelOperations;

/**
 * What the HTTP server keeps for one connection, in a single channel attribute, so that a
 * request looks the connection up once rather than once per concern: whether the gate has
 * admitted it yet, its keep-alive timeout, whether its requests may still be answered
 * inline, and whether it speaks TLS. An HTTP/2 stream shares its connection's.
 *
 * <h2>Inline answers</h2> Whether a request's response may reach Reactor Netty within the
 * call that handed the request over, on the event loop, as a {@code Mono.just} reply does
 * in a plain Reactor Netty server, or must go in an event-loop task of its own. Reactor
 * Netty 1.3.6 and 1.3.7 stop reading a connection when a request they <em>queued</em> is
 * answered within the call that hands it over (reactor/reactor-netty#4361; see
 * {@link QHttpServerResponder}). They queue a request only when it arrives while an
 * earlier one on the connection is not wound up yet: a response still to come, or still
 * being written. So a connection on which every request so far was wound up within its
 * own call has nothing queued, and its next request may be answered at once; the first
 * request that is not (answered later, from a worker, or written while the client reads
 * slowly) marks the connection, and from then on its responses take the task of their
 * own. The common case, a keep-alive client of a route that answers on the event loop,
 * pays no extra task; HTTP/2 streams are channels of their own and never queue. A marked
 * connection also gets a {@link ClosingRequestGate}.
 */
final class HttpConnectionState {

	private static final AttributeKey<HttpConnectionState> KEY = AttributeKey.valueOf(HttpConnectionState.class,
			"connection");

	@SuppressWarnings("rawtypes")
	private static final AtomicReferenceFieldUpdater<HttpConnectionState, Sinks.Empty> PARKED = AtomicReferenceFieldUpdater
		.newUpdater(HttpConnectionState.class, Sinks.Empty.class, "parked");

	private final KeepAliveTimeout keepAlive;

	private final boolean secure;

	/** Completes when the gate admits the connection; {@code null} once it has. */
	private volatile Sinks.@Nullable Empty<Void> parked = Sinks.empty();

	/**
	 * A request was not wound up within its own call. Set once, usually on the event
	 * loop, also by a request admitted from another thread.
	 */
	private volatile boolean answeredLate;

	/**
	 * The headers of the request whose body the codec could not decode, as the identity
	 * of that request; event loop only.
	 */
	private @Nullable HttpHeaders undecodableBody;

	/** The client broke HTTP/2 and the codec ended the connection; event loop only. */
	private boolean protocolBroken;

	private HttpConnectionState(KeepAliveTimeout keepAlive, boolean secure) {
		this.keepAlive = keepAlive;
		this.secure = secure;
	}

	/**
	 * Attach the state of a connection just accepted, parked until the gate admits it.
	 * @param channel the connection, its TLS stage (if any) installed already
	 * @param keepAlive its keep-alive timeout
	 */
	static void install(Channel channel, KeepAliveTimeout keepAlive) {
		channel.attr(KEY).set(new HttpConnectionState(keepAlive, TlsStage.isSecure(channel)));
	}

	/**
	 * Return the state of the connection a request came on.
	 * @param channel the request's channel: the connection, or an HTTP/2 stream of it
	 * @return the connection's state, {@code null} for a channel the server did not
	 * accept
	 */
	static @Nullable HttpConnectionState of(Channel channel) {
		return RequestChannels.connectionOf(channel).attr(KEY).get();
	}

	/**
	 * Return what completes once the gate admits the connection.
	 * @return the sink, or {@code null} when the connection is admitted already
	 */
	Sinks.@Nullable Empty<Void> parked() {
		return this.parked;
	}

	/**
	 * The gate admitted the connection: requests that waited for it go on.
	 */
	@SuppressWarnings("unchecked")
	void admit() {
		Sinks.Empty<Void> waiting = PARKED.getAndSet(this, null);
		if (waiting != null) {
			waiting.tryEmitEmpty();
		}
	}

	/**
	 * Return why the connection closed, once it has, as the {@code reason} of
	 * {@code qtserver.connections.closed}.
	 * @param shutdown whether the server is shutting down
	 * @return the reason
	 */
	CloseReason closeReason(boolean shutdown) {
		if (shutdown) {
			return CloseReason.SERVER_SHUTDOWN;
		}
		if (this.keepAlive.closedForIdleness()) {
			return CloseReason.IDLE_TIMEOUT;
		}
		if (this.protocolBroken) {
			return CloseReason.PROTOCOL_ERROR;
		}
		// a connection closed after a refused request (400, 413, 414, 431) counts here
		// too: Reactor Netty tells of its refusals once the connection is gone
		return CloseReason.PEER_CLOSED;
	}

	/** The connection's keep-alive timeout. */
	KeepAliveTimeout keepAlive() {
		return this.keepAlive;
	}

	/**
	 * Return the TLS session of the connection.
	 * @param channel the request's channel
	 * @return the session, {@code null} over plain TCP
	 */
	@Nullable SSLSession sslSession(Channel channel) {
		return this.secure ? TlsStage.sslSession(channel).orElse(null) : null;
	}

	/**
	 * Return whether a request of the connection, dispatched now, may be answered within
	 * the call that handed it over.
	 * @param channel the request's channel
	 * @return whether on its event loop and nothing can be queued on it
	 */
	boolean mayAnswerInline(Channel channel) {
		return channel.eventLoop().inEventLoop() && (RequestChannels.isStream(channel) || !this.answeredLate);
	}

	/**
	 * Return whether Reactor Netty may have queued requests of the connection: only an
	 * HTTP/1.1 connection marked {@link #answeredLate(Channel)} can have any.
	 * @param channel the request's channel
	 * @return whether a request may have come out of Reactor Netty's queue
	 */
	boolean mayQueue(Channel channel) {
		return this.answeredLate && !RequestChannels.isStream(channel);
	}

	/**
	 * A request of the connection was not wound up within its own call: Reactor Netty may
	 * have queued the next one.
	 * @param channel the request's channel
	 */
	void answeredLate(Channel channel) {
		if (RequestChannels.isStream(channel) || this.answeredLate) {
			// one request per stream, nothing queued behind it
			return;
		}
		this.answeredLate = true;
		// Reactor Netty may hold a request of the connection while it reads the next
		// from now on: a next one that closes must wait for it
		if (channel.eventLoop().inEventLoop()) {
			ClosingRequestGate.install(channel);
		}
		else {
			channel.eventLoop().execute(() -> ClosingRequestGate.install(channel));
		}
	}

	/**
	 * Reactor Netty was told, within its call, that a request is done: mark the
	 * connection unless that wound the request up at once (it does not when the last
	 * write is still waiting for the client to read).
	 * @param channel the request's channel
	 * @param operations the request's operations (its {@code HttpServerResponse})
	 */
	void toldInline(Channel channel, Object operations) {
		if (ChannelOperations.get(channel) == operations) {
			answeredLate(channel);
		}
	}

	/**
	 * The codec could not decode the body of a request that Reactor Netty may have queued
	 * (see {@link ClosingRequestGate}). Called on the event loop.
	 * @param request the request
	 */
	void bodyUndecodable(HttpRequest request) {
		this.undecodableBody = request.headers();
	}

	/**
	 * Return whether the codec could not decode a request's body. Called on the event
	 * loop.
	 * @param headers the request's headers, which identify it
	 * @return whether its body was found undecodable
	 */
	boolean isBodyUndecodable(HttpHeaders headers) {
		return this.undecodableBody == headers;
	}

	/** The client broke HTTP/2, and the codec ends the connection. */
	void protocolBroken() {
		this.protocolBroken = true;
	}

}
