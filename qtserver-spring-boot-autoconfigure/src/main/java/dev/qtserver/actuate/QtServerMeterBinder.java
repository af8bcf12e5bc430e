package dev.qtserver.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.RejectReason;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.ServerStatistics;
import dev.qtserver.core.SocketError;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.websocket.QWebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the figures of every Qt-style server to a {@link MeterRegistry}, tagged with the
 * server's name and kind (bounded tags only: never a peer address). Meters read the
 * server's own counters, so the hot path pays nothing for them.
 */
public class QtServerMeterBinder implements MeterBinder {

	/** Open connections, pending ones included. */
	public static final String CONNECTIONS_ACTIVE = "qtserver.connections.active";

	/** Connections accepted but not yet taken by the application. */
	public static final String CONNECTIONS_PENDING = "qtserver.connections.pending";

	/** Connections accepted. */
	public static final String CONNECTIONS_ACCEPTED = "qtserver.connections.accepted";

	/** Connections closed, tagged with the reason. */
	public static final String CONNECTIONS_CLOSED = "qtserver.connections.closed";

	/**
	 * Connections turned away before the application saw them, tagged {@code reason}
	 * ({@link RejectReason#tagValue()}): {@code max_pending}, {@code origin},
	 * {@code address}, {@code rate_limit}, {@code bad_handshake},
	 * {@code handshake_timeout}, {@code tls_failure}, {@code bad_request}.
	 */
	public static final String CONNECTIONS_REJECTED = "qtserver.connections.rejected";

	/** Connection errors: handler failures, protocol violations, I/O errors. */
	public static final String CONNECTION_ERRORS = "qtserver.connections.errors";

	/**
	 * Exceptions thrown by handler code (counter): annotated handler methods
	 * ({@code @OnConnect}, {@code @OnMessage}, {@code @OnError}, {@code @OnDisconnect})
	 * and replies they returned that failed, reactive connection handler beans, HTTP
	 * routes and request handlers (each a 500, or a cut response once it had started),
	 * after-request handlers and WebSocket upgrade verifiers. Those that ended a
	 * connection are {@link #CONNECTION_ERRORS} too. On an HTTP server it includes the
	 * handlers of its WebSocket sessions.
	 */
	public static final String HANDLER_ERRORS = "qtserver.handlers.errors";

	/**
	 * Bytes read from the network (counter, base unit bytes): wire bytes, counted as they
	 * come off the socket, so TLS records before decryption and HTTP and WebSocket
	 * framing included, as Reactor Netty's {@code reactor.netty.*.data.received}. Every
	 * listener's connections count, WebSocket upgrades of an HTTP server included: those
	 * accepted once a registry bound the server (at startup, when Boot binds it), since
	 * without one no connection pays for counting.
	 */
	public static final String BYTES_RECEIVED = "qtserver.bytes.received";

	/**
	 * Bytes handed to the network (counter, base unit bytes): wire bytes, counted as each
	 * flush hands them to the socket, so TLS records after encryption, as Reactor Netty's
	 * {@code reactor.netty.*.data.sent}.
	 */
	public static final String BYTES_SENT = "qtserver.bytes.sent";

	/** Messages received. */
	public static final String MESSAGES_RECEIVED = "qtserver.messages.received";

	/** Messages written to peers: handler replies and sends, once written. */
	public static final String MESSAGES_SENT = "qtserver.messages.sent";

	/**
	 * TLS handshakes of secure listeners that ended, tagged {@code outcome}:
	 * {@code success}, {@code failure} (refused or broken, a plaintext client included),
	 * {@code timeout}, {@code closed} (the client went away). Only for servers with a
	 * secure listener.
	 */
	public static final String TLS_HANDSHAKES = "qtserver.tls.handshakes";

	/**
	 * How long successful TLS handshakes took, from accept to an encrypted connection.
	 * Only for servers with a secure listener.
	 */
	public static final String TLS_HANDSHAKE_DURATION = "qtserver.tls.handshake.duration";

	/**
	 * How long successful WebSocket opening handshakes took (timer): from the start of
	 * the handshake (as a WebSocket server admits the connection, after TLS on
	 * {@code wss}; as an HTTP server hands an upgrade over, once its upgrade verifiers
	 * accepted it) until the {@code 101} response was written. For WebSocket servers and
	 * HTTP servers with a WebSocket path.
	 */
	public static final String WEBSOCKET_HANDSHAKE_DURATION = "qtserver.websocket.handshake.duration";

	/**
	 * HTTP requests answered (timer), for HTTP servers: tagged {@code method},
	 * {@code status}, {@code outcome} and {@code route} (the {@code @Route} pattern,
	 * never the raw path), as Spring Boot tags {@code http.server.requests}.
	 */
	public static final String HTTP_REQUESTS = "qtserver.http.server.requests";

	private static final Map<String, Set<SocketError>> TLS_FAILURE_OUTCOMES = Map.of("failure",
			ServerStatistics.TLS_REFUSALS, "timeout", Set.of(SocketError.SOCKET_TIMEOUT), "closed",
			Set.of(SocketError.REMOTE_HOST_CLOSED));

	private final Supplier<Iterable<QtServer>> servers;

	private final boolean httpRequestTimer;

	/**
	 * Create a binder.
	 * @param servers the servers to bind, looked up when the registry binds
	 */
	public QtServerMeterBinder(Supplier<Iterable<QtServer>> servers) {
		this(servers, true);
	}

	/**
	 * Create a binder.
	 * @param servers the servers to bind, looked up when the registry binds
	 * @param httpRequestTimer whether HTTP requests are timed here
	 * ({@value #HTTP_REQUESTS}); {@code false} when their observations make that timer
	 */
	public QtServerMeterBinder(Supplier<Iterable<QtServer>> servers, boolean httpRequestTimer) {
		this.servers = servers;
		this.httpRequestTimer = httpRequestTimer;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (QtServer server : this.servers.get()) {
			bind(server, registry);
		}
	}

	private void bind(QtServer server, MeterRegistry registry) {
		Tags tags = Tags.of("server", server.name(), "kind", server.kind().id());
		ServerStatistics statistics = server.statistics();
		QWebSocketServer handshakes = webSocketHandshakes(server);
		// read through the functions: a meter holds its state object weakly, and the
		// server (a bean) outlives the registry where a Figures of its own would not
		Figures figures = Figures.of(server, handshakes);
		Gauge.builder(CONNECTIONS_ACTIVE, server, QtServer::connectionCount)
			.tags(tags)
			.description("Open connections, pending ones included")
			.register(registry);
		Gauge.builder(CONNECTIONS_PENDING, server, QtServer::pendingConnectionCount)
			.tags(tags)
			.description("Connections waiting to be taken by the application")
			.register(registry);
		FunctionCounter.builder(CONNECTIONS_ACCEPTED, statistics, ServerStatistics::accepted)
			.tags(tags)
			.description("Connections accepted")
			.register(registry);
		for (CloseReason reason : CloseReason.values()) {
			FunctionCounter.builder(CONNECTIONS_CLOSED, server, (owner) -> figures.sum((s) -> s.closed(reason)))
				.tags(tags.and("reason", reason.name().toLowerCase(Locale.ROOT)))
				.description("Connections closed")
				.register(registry);
		}
		for (RejectReason reason : RejectReason.values()) {
			FunctionCounter.builder(CONNECTIONS_REJECTED, server, (owner) -> figures.sum((s) -> s.rejected(reason)))
				.tags(tags.and("reason", reason.tagValue()))
				.description("Connections turned away before the application saw them")
				.register(registry);
		}
		FunctionCounter.builder(CONNECTION_ERRORS, server, (owner) -> figures.sum(ServerStatistics::errors))
			.tags(tags)
			.description("Connection errors")
			.register(registry);
		FunctionCounter.builder(HANDLER_ERRORS, server, (owner) -> figures.sum(ServerStatistics::handlerErrors))
			.tags(tags)
			.description("Exceptions thrown by handler code")
			.register(registry);
		// the connections accepted from now on count them
		statistics.countBytes();
		FunctionCounter.builder(BYTES_RECEIVED, statistics, ServerStatistics::bytesReceived)
			.tags(tags)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes read from the network")
			.register(registry);
		FunctionCounter.builder(BYTES_SENT, statistics, ServerStatistics::bytesSent)
			.tags(tags)
			.baseUnit(BaseUnits.BYTES)
			.description("Bytes handed to the network")
			.register(registry);
		if (handshakes != null) {
			FunctionTimer
				.builder(WEBSOCKET_HANDSHAKE_DURATION, handshakes.statistics(),
						ServerStatistics::webSocketHandshakesCompleted, ServerStatistics::webSocketHandshakeNanos,
						TimeUnit.NANOSECONDS)
				.tags(tags)
				.description("How long successful WebSocket handshakes took")
				.register(registry);
		}
		FunctionCounter.builder(MESSAGES_RECEIVED, server, (owner) -> figures.sum(ServerStatistics::messagesReceived))
			.tags(tags)
			.description("Messages received")
			.register(registry);
		FunctionCounter.builder(MESSAGES_SENT, server, (owner) -> figures.sum(ServerStatistics::messagesSent))
			.tags(tags)
			.description("Messages sent")
			.register(registry);
		if (server.listeners().stream().anyMatch(ServerListener::isSecure)) {
			bindTls(statistics, tags, registry);
		}
		if (this.httpRequestTimer && server instanceof QHttpServer http) {
			http.addRequestObserver(new HttpRequestMetrics(registry, tags));
		}
	}

	/**
	 * The server that runs a server's WebSocket handshakes: itself, or an HTTP server's
	 * own WebSocket server, which keeps statistics of its own.
	 */
	private static @Nullable QWebSocketServer webSocketHandshakes(QtServer server) {
		if (server instanceof QWebSocketServer webSocket) {
			return webSocket;
		}
		return (server instanceof QHttpServer http) ? http.webSocketServer() : null;
	}

	/**
	 * The statistics a server's meters add up: its own, and for an HTTP server those of
	 * its WebSocket server, whose sessions (upgraded on the HTTP server's listeners) keep
	 * their messages, closes, rejections and errors there.
	 */
	private record Figures(List<ServerStatistics> statistics) {

		static Figures of(QtServer server, @Nullable QWebSocketServer handshakes) {
			return new Figures((handshakes != null && handshakes != server)
					? List.of(server.statistics(), handshakes.statistics()) : List.of(server.statistics()));
		}

		double sum(ToLongFunction<ServerStatistics> figure) {
			long sum = 0;
			for (ServerStatistics each : this.statistics) {
				sum += figure.applyAsLong(each);
			}
			return sum;
		}

	}

	private static void bindTls(ServerStatistics statistics, Tags tags, MeterRegistry registry) {
		FunctionCounter.builder(TLS_HANDSHAKES, statistics, ServerStatistics::tlsHandshakesCompleted)
			.tags(tags.and("outcome", "success"))
			.description("TLS handshakes that ended")
			.register(registry);
		TLS_FAILURE_OUTCOMES.forEach((outcome, errors) -> FunctionCounter
			.builder(TLS_HANDSHAKES, statistics, (s) -> errors.stream().mapToLong(s::tlsHandshakesFailed).sum())
			.tags(tags.and("outcome", outcome))
			.description("TLS handshakes that ended")
			.register(registry));
		FunctionTimer
			.builder(TLS_HANDSHAKE_DURATION, statistics, ServerStatistics::tlsHandshakesCompleted,
					ServerStatistics::tlsHandshakeNanos, TimeUnit.NANOSECONDS)
			.tags(tags)
			.description("How long successful TLS handshakes took")
			.register(registry);
	}

}
