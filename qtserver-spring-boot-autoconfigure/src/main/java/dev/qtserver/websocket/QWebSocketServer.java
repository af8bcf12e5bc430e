package dev.qtserver.websocket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionRegistry;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.IoErrorHandler;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerEndpoint;
import dev.qtserver.core.ServerKind;
import dev.qtserver.core.ServerStatistics;
import dev.qtserver.core.SocketError;
import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.handler.AnnotatedHandler;
import dev.qtserver.handler.AnnotatedMessageFlow;
import dev.qtserver.handler.FlowEventsHandler;
import dev.qtserver.tcp.QTcpSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpServer;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A WebSocket server that behaves like Qt's {@code QWebSocketServer}: RFC 6455, version
 * 13, on Reactor Netty.
 *
 * <p>
 * Each accepted connection runs the opening handshake: path, headers and version are
 * checked (400 otherwise), the origin is authorized ({@code allowed-origins} and
 * {@link OriginAuthenticationRequiredEvent} listeners; 403 otherwise), the first
 * subprotocol of the client's list that the server speaks is chosen. Without a handler,
 * upgraded sessions queue for {@link #nextPendingConnection()}; once
 * {@link #maxPendingConnections()} wait, further handshakes fail (503) with
 * {@link CloseCode#ABNORMAL_DISCONNECTION}, as in Qt.
 */
public final class QWebSocketServer implements QtServer {

	private static final Log logger = LogFactory.getLog(QWebSocketServer.class);

	private static final int MAX_INITIAL_LINE = 4096;

	private final String name;

	private final WebSocketServerSettings settings;

	private final ApplicationEventPublisher eventPublisher;

	private final Executor workers;

	private final List<WebSocketServerCustomizer> customizers;

	private final ServerStatistics statistics = new ServerStatistics();

	private final ConnectionRegistry<QWebSocket> sessions;

	private final ServerEndpoint endpoint;

	private final AtomicInteger connections = new AtomicInteger();

	private final Object admission = new Object();

	private volatile @Nullable AnnotatedHandler<QWebSocket> handler;

	private volatile int maxPendingConnections;

	private volatile CloseCode error = CloseCode.NORMAL;

	private volatile String errorString = "";

	/**
	 * Create a server; it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind
	 */
	public QWebSocketServer(String name, WebSocketServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<WebSocketServerCustomizer> customizers) {
		this.name = name;
		this.settings = settings;
		this.eventPublisher = eventPublisher;
		this.workers = workers;
		this.customizers = List.copyOf(customizers);
		this.maxPendingConnections = settings.maxPendingConnections();
		ApplicationEventSignals signals = new ApplicationEventSignals(this, eventPublisher, (connection, reason) -> {
			QWebSocket session = (QWebSocket) connection;
			return new WebSocketClosedEvent(this, session, reason, session.closeCode(), session.closeReason());
		});
		this.sessions = new ConnectionRegistry<>(this, signals, this.statistics);
		this.endpoint = new ServerEndpoint(this, signals, workers, this::hasRoom, this::admit, this::configure);
		this.sessions.onRoomChange(this.endpoint.gate()::refresh);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ServerKind kind() {
		return ServerKind.WEBSOCKET;
	}

	/**
	 * Return the settings the server was created with.
	 * @return the settings
	 */
	public WebSocketServerSettings settings() {
		return this.settings;
	}

	@Override
	public InetSocketAddress configuredAddress() {
		return new InetSocketAddress(this.settings.address(), this.settings.port());
	}

	@Override
	public boolean listen() {
		return listen(this.settings.address(), this.settings.port());
	}

	@Override
	public boolean listen(InetAddress address, int port) {
		boolean listening = this.endpoint.listen(address, port, this.settings.listenBacklogSize(),
				this.settings.bindTimeout());
		if (!listening) {
			this.errorString = this.endpoint.errorString();
		}
		return listening;
	}

	private TcpServer configure(TcpServer tcp) {
		TcpServer configured = tcp;
		for (WebSocketServerCustomizer customizer : this.customizers) {
			configured = customizer.customize(this.name, configured);
		}
		return configured;
	}

	/**
	 * Stop listening. Sessions taken by the application or a handler stay open; sessions
	 * still pending are closed with 1001 Going Away.
	 */
	@Override
	public void close() {
		this.endpoint.close(this.sessions::dropPending);
	}

	/**
	 * Stop listening and close every session with 1001 Going Away, letting messages
	 * already received finish within the timeout.
	 */
	@Override
	public void shutdown(Duration timeout) {
		close();
		this.sessions.closeAll(timeout);
	}

	@Override
	public boolean isListening() {
		return this.endpoint.isListening();
	}

	@Override
	public @Nullable InetAddress serverAddress() {
		return this.endpoint.address();
	}

	@Override
	public int serverPort() {
		return this.endpoint.port();
	}

	/**
	 * Return the URL clients connect to, as Qt's {@code serverUrl()}:
	 * {@code ws://address:port/path}.
	 * @return the URL, or {@code null} when not listening
	 */
	public @Nullable URI serverUrl() {
		InetAddress address = serverAddress();
		if (address == null) {
			return null;
		}
		String host = address.getHostAddress();
		return URI.create(scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + serverPort()
				+ this.settings.path());
	}

	private String scheme() {
		return (secureMode() == SecureMode.SECURE_MODE) ? "wss" : "ws";
	}

	/**
	 * Return the name sent in the handshake, as Qt's {@code serverName()}.
	 * @return the server name of the handshake
	 */
	public String serverName() {
		return this.settings.serverName();
	}

	/**
	 * Return whether the server speaks {@code wss} or {@code ws}.
	 * @return the secure mode
	 */
	public SecureMode secureMode() {
		return SecureMode.NON_SECURE_MODE;
	}

	/**
	 * Return the subprotocols the server speaks, as Qt's {@code supportedSubprotocols()}.
	 * @return the subprotocols
	 */
	public List<String> supportedSubprotocols() {
		return this.settings.subprotocols();
	}

	/**
	 * Return the WebSocket versions the server speaks, as Qt's
	 * {@code supportedVersions()}.
	 * @return version 13 only (RFC 6455)
	 */
	public List<Integer> supportedVersions() {
		return List.of(13);
	}

	/**
	 * Return how long a client may take to complete the handshake.
	 * @return the handshake timeout, or {@code null} for none
	 */
	public @Nullable Duration handshakeTimeout() {
		return this.settings.handshakeTimeout();
	}

	@Override
	public void pauseAccepting() {
		this.endpoint.gate().pause();
	}

	@Override
	public void resumeAccepting() {
		this.endpoint.gate().resume();
	}

	@Override
	public boolean isAcceptingPaused() {
		return this.endpoint.gate().isPaused();
	}

	@Override
	public int maxPendingConnections() {
		return this.maxPendingConnections;
	}

	@Override
	public void setMaxPendingConnections(int maxPendingConnections) {
		if (maxPendingConnections < 1) {
			throw new IllegalArgumentException("maxPendingConnections must be positive");
		}
		this.maxPendingConnections = maxPendingConnections;
	}

	@Override
	public boolean hasPendingConnections() {
		return this.sessions.pendingCount() > 0;
	}

	@Override
	public int pendingConnectionCount() {
		return this.sessions.pendingCount();
	}

	@Override
	public int connectionCount() {
		return this.sessions.size();
	}

	/**
	 * Take the oldest pending session, as Qt's {@code nextPendingConnection()}.
	 * @return the session, or {@code null} when none is pending
	 */
	public @Nullable QWebSocket nextPendingConnection() {
		return this.sessions.nextPending();
	}

	/**
	 * Return the open sessions taken by the application or given to a handler.
	 * @return the sessions, in no particular order
	 */
	public Collection<QWebSocket> connections() {
		return this.sessions.taken();
	}

	/**
	 * Look up an open session.
	 * @param id the session id
	 * @return the session, if it is open
	 */
	public Optional<QWebSocket> connection(long id) {
		return this.sessions.get(id);
	}

	/**
	 * Send a text message to every session returned by {@link #connections()}.
	 * @param text the text
	 * @return how many sessions it was sent to
	 */
	public int broadcast(String text) {
		Collection<QWebSocket> targets = connections();
		targets.forEach((session) -> session.send(text));
		return targets.size();
	}

	/**
	 * Upgrade a connection accepted by a {@link dev.qtserver.tcp.QTcpServer}, as Qt's
	 * {@code handleConnection(QTcpSocket*)}: this server runs the opening handshake on it
	 * and, if it succeeds, treats it as one of its own sessions. The socket must not have
	 * been read.
	 * @param socket a connection taken with {@code nextPendingConnection()}
	 */
	public void handleConnection(QTcpSocket socket) {
		Connection connection = socket.connection();
		connection.channel().eventLoop().execute(() -> startHandshake(socket.handOver()));
	}

	/**
	 * Return the last WebSocket error, as Qt's {@code error()}.
	 * @return the close code of the last error, {@link CloseCode#NORMAL} when there was
	 * none
	 */
	public CloseCode error() {
		return this.error;
	}

	@Override
	public SocketError serverError() {
		return this.endpoint.serverError();
	}

	@Override
	public String errorString() {
		return this.errorString;
	}

	@Override
	public boolean isAutoStartup() {
		return this.settings.autoStartup();
	}

	@Override
	public ServerStatistics statistics() {
		return this.statistics;
	}

	@Override
	public void bindHandler(Object handler, String handlerName) {
		this.handler = AnnotatedHandler.of(handler, handlerName, QWebSocket.class);
	}

	@Override
	public String toString() {
		return "QWebSocketServer[" + this.name + "]";
	}

	private boolean hasRoom() {
		int max = this.settings.maxConnections();
		return max < 0 || this.connections.get() < max;
	}

	/** Called by the gate, under its lock. */
	private void admit(Connection connection) {
		this.connections.incrementAndGet();
		connection.onDispose(() -> {
			this.connections.decrementAndGet();
			this.endpoint.gate().refresh();
		});
		if (connection.channel().eventLoop().inEventLoop()) {
			startHandshake(connection);
		}
		else {
			connection.channel().eventLoop().execute(() -> startHandshake(connection));
		}
	}

	private void startHandshake(Connection connection) {
		connection.addHandlerLast("qtserver.httpCodec",
				new HttpServerCodec(MAX_INITIAL_LINE, this.settings.maxHeaderSize(), 8192));
		connection.addHandlerLast("qtserver.httpAggregator", new HttpObjectAggregator(8192));
		if (this.settings.compression()) {
			connection.addHandlerLast("qtserver.wsCompression", new WebSocketServerCompressionHandler(0));
		}
		connection.addHandlerLast("qtserver.wsHandshake", new HandshakeHandler(this));
	}

	/** Ask {@code allowed-origins} and then the listeners, on a worker thread. */
	CompletableFuture<Boolean> authorizeOrigin(@Nullable String origin, String requestUri) {
		List<String> allowedOrigins = this.settings.allowedOrigins();
		boolean allowed = allowedOrigins.isEmpty() || (origin != null
				&& allowedOrigins.stream().anyMatch((candidate) -> candidate.equalsIgnoreCase(origin)));
		return CompletableFuture.supplyAsync(() -> {
			OriginAuthenticationRequiredEvent event = new OriginAuthenticationRequiredEvent(this, origin, requestUri,
					allowed);
			this.eventPublisher.publishEvent(event);
			return event.isAllowed();
		}, this.workers);
	}

	/**
	 * Complete the handshake of a valid, authorized request if there is room (on the
	 * event loop).
	 * @return whether the connection was upgraded; {@code false} when the pending queue
	 * is full
	 */
	boolean upgrade(ChannelHandlerContext ctx, FullHttpRequest request, @Nullable String origin) {
		synchronized (this.admission) {
			AnnotatedHandler<QWebSocket> bound = this.handler;
			if (bound == null && this.sessions.pendingCount() >= this.maxPendingConnections) {
				return false;
			}
			String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
			URI url = URI.create(scheme() + "://" + host + request.uri());
			List<String> subprotocols = this.settings.subprotocols();
			WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url.toString(),
					subprotocols.isEmpty() ? null : String.join(",", subprotocols), decoderConfig())
				.newHandshaker(request);
			ChannelPipeline pipeline = ctx.pipeline();
			handshaker
				.handshake(ctx.channel(), request,
						new DefaultHttpHeaders().set(HttpHeaderNames.SERVER, this.settings.serverName()),
						ctx.channel().newPromise())
				.addListener((future) -> {
					if (!future.isSuccess()) {
						ctx.channel().close();
					}
				});
			Connection connection = Connection.from(ctx.channel());
			QWebSocket session = new QWebSocket(this.sessions.nextId(), this.name, connection,
					new ConnectionState(this.workers), this.statistics, url, origin, handshaker.selectedSubprotocol());
			pipeline.addBefore(ctx.name(), "qtserver.wsAggregator",
					new WebSocketFrameAggregator(this.settings.maxMessageSize()));
			pipeline.addBefore(ctx.name(), "qtserver.wsFrames", new WebSocketFrameHandler(session, this::violation));
			pipeline.addBefore(ctx.name(), "qtserver.ioErrors",
					new IoErrorHandler(session::isRead, (ex) -> sessionFailed(session, ex)));
			pipeline.remove(ctx.handler());
			if (bound != null) {
				session.handledByHandler();
			}
			started(session, connection, bound);
			return true;
		}
	}

	private void started(QWebSocket session, Connection connection, @Nullable AnnotatedHandler<QWebSocket> bound) {
		Duration idleTimeout = this.settings.idleTimeout();
		if (idleTimeout != null) {
			connection.onReadIdle(idleTimeout.toMillis(), () -> session.closeWith(CloseReason.IDLE_TIMEOUT));
		}
		Duration heartbeat = this.settings.heartbeatInterval();
		if (heartbeat != null) {
			Heartbeat.start(session, heartbeat);
		}
		this.sessions.register(session, bound == null);
		if (bound != null) {
			AnnotatedMessageFlow<QWebSocket> flow = new AnnotatedMessageFlow<>(bound,
					new WebSocketTransport(session, this, bound.payloadType()));
			connection.addHandlerLast("qtserver.flowEvents", new FlowEventsHandler(flow));
			connection.inbound().receiveObject().subscribe(flow);
		}
	}

	private WebSocketDecoderConfig decoderConfig() {
		return WebSocketDecoderConfig.newBuilder()
			.maxFramePayloadLength(this.settings.maxFrameSize())
			.expectMaskedFrames(true)
			.allowMaskMismatch(false)
			.allowExtensions(this.settings.compression())
			// the frame handler closes, after it has recorded why (events in order, right
			// reason)
			.closeOnProtocolViolation(false)
			.withUTF8Validator(false)
			.build();
	}

	void handshakeRejected(@Nullable CloseCode code, String message) {
		this.statistics.error();
		logger.debug("WebSocket server '" + this.name + "' refused a handshake: " + message);
		if (code != null) {
			this.error = code;
			this.errorString = message;
			this.endpoint
				.signalFromEventLoop((signals) -> signals.publish(new WebSocketServerErrorEvent(this, code, message)));
		}
	}

	void handshakeFailed(Throwable error) {
		this.statistics.error();
		if (logger.isDebugEnabled()) {
			logger.debug("WebSocket server '" + this.name + "' lost a connection during its handshake: " + error);
		}
	}

	void handshakeTimedOut() {
		this.statistics.error();
		logger.debug("WebSocket server '" + this.name + "' dropped a connection that did not finish its handshake in "
				+ this.settings.handshakeTimeout());
	}

	private void violation(QWebSocket session, WebSocketProtocolException violation) {
		// the peer broke the protocol: the event and the errors metric record it; a
		// warning per bad client would let any client fill the logs
		if (logger.isDebugEnabled()) {
			logger.debug(
					"Closing " + session + " with " + violation.getCloseCode().code() + ": " + violation.getMessage());
		}
		session.state().closing(CloseReason.PROTOCOL_ERROR);
		sessionFailed(session, violation);
	}

	void sessionFailed(QWebSocket session, Throwable error) {
		this.sessions.failed(session, error);
	}

	/**
	 * Pings a session every interval and drops it if the previous ping was not answered.
	 */
	private static final class Heartbeat {

		private Heartbeat() {
		}

		static void start(QWebSocket session, Duration interval) {
			var loop = session.connection().channel().eventLoop();
			long intervalNanos = interval.toNanos();
			var task = loop.scheduleAtFixedRate(() -> {
				if (System.nanoTime() - session.lastPongNanos() > 2 * intervalNanos) {
					logger.debug("Dropping " + session + ": no pong within " + interval.multipliedBy(2));
					session.state().closing(CloseReason.PEER_UNRESPONSIVE);
					session.abort();
					return;
				}
				session.heartbeat();
			}, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
			session.onClose().subscribe(null, (ex) -> task.cancel(false), () -> task.cancel(false));
		}

	}

}
