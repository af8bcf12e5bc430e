package dev.qtserver.websocket;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.AbstractQtServer;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionPipeline;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.TlsStage;
import dev.qtserver.core.IoErrorHandler;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.RejectReason;
import dev.qtserver.core.ServerKind;
import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.handler.AnnotatedHandler;
import dev.qtserver.handler.AnnotatedMessageFlow;
import dev.qtserver.handler.FlowEventsHandler;
import dev.qtserver.ssl.ApplicationProtocols;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.ssl.TlsSupport;
import dev.qtserver.tcp.QTcpSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpServer;

import org.springframework.boot.ssl.SslBundles;
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
public final class QWebSocketServer extends AbstractQtServer<QWebSocket, TcpServer> {

	private static final Log logger = LogFactory.getLog(QWebSocketServer.class);

	private static final int MAX_INITIAL_LINE = 4096;

	private final WebSocketServerSettings settings;

	private final ApplicationEventPublisher eventPublisher;

	private final Object admission = new Object();

	private volatile @Nullable AnnotatedHandler<QWebSocket> handler;

	private volatile CloseCode error = CloseCode.NORMAL;

	/**
	 * Create a server; it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 */
	public QWebSocketServer(String name, WebSocketServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<TcpServer>> customizers) {
		this(name, settings, eventPublisher, workers, customizers, null);
	}

	/**
	 * Create a server that may speak {@code wss} ({@link SecureMode#SECURE_MODE}); it
	 * does not listen until {@link #listen()}. Its handshake timeout covers the TLS
	 * handshake too, as in Qt, unless its TLS settings set one of their own.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 * @param sslBundles where the SSL bundle its TLS settings name is looked up; needed
	 * only when it has TLS settings
	 * @throws dev.qtserver.core.InvalidSettingException when its SSL bundle is missing
	 */
	public QWebSocketServer(String name, WebSocketServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<TcpServer>> customizers,
			@Nullable SslBundles sslBundles) {
		super(ServerKind.WEBSOCKET, name, settings.listen(), List.of(settings.listen().listener()), workers,
				(server) -> new ApplicationEventSignals(server, eventPublisher,
						(connection, reason) -> closedEvent((QWebSocketServer) server, (QWebSocket) connection,
								reason)),
				TcpServer::create, customizers, new TlsSupport(sslBundles, ApplicationProtocols.NONE, Objects
					.requireNonNullElse(settings.handshakeTimeout(), TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT)));
		this.settings = settings;
		this.eventPublisher = eventPublisher;
	}

	private static WebSocketClosedEvent closedEvent(QWebSocketServer server, QWebSocket session, CloseReason reason) {
		return new WebSocketClosedEvent(server, session, reason, session.closeCode(), session.closeReason());
	}

	/**
	 * Return the settings the server was created with.
	 * @return the settings
	 */
	public WebSocketServerSettings settings() {
		return this.settings;
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
	 * Return whether the server speaks {@code wss} or {@code ws}, as Qt's
	 * {@code secureMode()}: secure when it has TLS settings.
	 * @return the secure mode
	 */
	public SecureMode secureMode() {
		return listeners().get(0).isSecure() ? SecureMode.SECURE_MODE : SecureMode.NON_SECURE_MODE;
	}

	@Override
	protected TcpServer secure(TcpServer transport, ListenerTls tls) {
		return transport.secure(tls.sslProviderSpec());
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

	/**
	 * Upgrade a connection accepted by a {@link dev.qtserver.tcp.QTcpServer}, as Qt's
	 * {@code handleConnection(QTcpSocket*)}: this server runs the opening handshake on it
	 * and, if it succeeds, treats it as one of its own sessions. The socket must not have
	 * been read.
	 * @param socket a connection taken with {@code nextPendingConnection()}
	 */
	public void handleConnection(QTcpSocket socket) {
		Connection connection = socket.connection();
		adopt(connection);
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
	public void bindHandler(Object handler, String handlerName, HandlerExecution execution) {
		this.handler = AnnotatedHandler.of(handler, handlerName, QWebSocket.class, execution);
	}

	/** Called by the gate, under its lock: the handshake starts on the loop. */
	@Override
	protected void admit(Connection connection) {
		if (connection.channel().eventLoop().inEventLoop()) {
			startHandshake(connection);
		}
		else {
			connection.channel().eventLoop().execute(() -> startHandshake(connection));
		}
	}

	/**
	 * Take over a connection on which an HTTP server has decoded an upgrade request, as
	 * Qt's {@code QAbstractHttpServer} hands its upgrades to its own
	 * {@code QWebSocketServer}: the request, passed on after this call, runs this
	 * server's opening handshake (path, origin, subprotocols, pending limit, handshake
	 * timeout) and becomes one of its sessions. Call it on the connection's event loop,
	 * once its HTTP handlers after the codec are out of the pipeline.
	 * @param connection the connection, with an HTTP/1.1 request codec in its pipeline
	 */
	public void handleUpgrade(Connection connection) {
		adopt(connection);
		addHandshake(connection);
	}

	private void startHandshake(Connection connection) {
		ConnectionPipeline.addLast(connection, "qtserver.httpCodec",
				new HttpServerCodec(MAX_INITIAL_LINE, this.settings.maxHeaderSize(), 8192));
		addHandshake(connection);
	}

	private void addHandshake(Connection connection) {
		ConnectionPipeline.addLast(connection, "qtserver.httpAggregator", new HttpObjectAggregator(8192));
		if (this.settings.compression()) {
			ConnectionPipeline.addLast(connection, "qtserver.wsCompression", new WebSocketServerCompressionHandler(0));
		}
		ConnectionPipeline.addLast(connection, "qtserver.wsHandshake", new HandshakeHandler(this));
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
		}, workers());
	}

	/**
	 * Complete the handshake of a valid, authorized request if there is room (on the
	 * event loop).
	 * @param startedNanos when the handshake started ({@link System#nanoTime()}), for the
	 * handshake timer
	 * @return whether the connection was upgraded; {@code false} when the pending queue
	 * is full
	 */
	boolean upgrade(ChannelHandlerContext ctx, FullHttpRequest request, @Nullable String origin, long startedNanos) {
		synchronized (this.admission) {
			AnnotatedHandler<QWebSocket> bound = this.handler;
			if (bound == null && pendingConnectionCount() >= maxPendingConnections()) {
				return false;
			}
			String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
			// by connection: sessions upgraded on an HTTP server's secure listener are
			// wss
			// too
			URI url = URI.create((TlsStage.isSecure(ctx.channel()) ? "wss" : "ws") + "://" + host + request.uri());
			List<String> subprotocols = this.settings.subprotocols();
			WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url.toString(),
					subprotocols.isEmpty() ? null : String.join(",", subprotocols), decoderConfig())
				.newHandshaker(request);
			// the 101 leaves once the session is registered: see FlushHold
			FlushHold hold = FlushHold.on(ctx.pipeline());
			try {
				open(ctx, request, handshaker, url, origin, bound, startedNanos);
			}
			finally {
				hold.release();
			}
			return true;
		}
	}

	/** Answer the handshake, set the session's pipeline up and start the session. */
	private void open(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketServerHandshaker handshaker, URI url,
			@Nullable String origin, @Nullable AnnotatedHandler<QWebSocket> bound, long startedNanos) {
		handshaker
			.handshake(ctx.channel(), request,
					new DefaultHttpHeaders().set(HttpHeaderNames.SERVER, this.settings.serverName()),
					ctx.channel().newPromise())
			.addListener((future) -> {
				if (future.isSuccess()) {
					statistics().webSocketHandshakeCompleted(Duration.ofNanos(System.nanoTime() - startedNanos));
				}
				else {
					ctx.channel().close();
				}
			});
		Connection connection = Connection.from(ctx.channel());
		QWebSocket session = new QWebSocket(connectionId(connection), name(), connection,
				new ConnectionState(workers()), statistics(), url, origin, handshaker.selectedSubprotocol(),
				this.settings.compression());
		ChannelPipeline pipeline = ctx.pipeline();
		pipeline.addBefore(ctx.name(), "qtserver.wsAggregator",
				new WebSocketMessageAggregator(this.settings.maxMessageSize()));
		pipeline.addBefore(ctx.name(), WebSocketFrameHandler.NAME, new WebSocketFrameHandler(session, this::violation));
		pipeline.addBefore(ctx.name(), "qtserver.ioErrors",
				new IoErrorHandler(session::isRead, (ex) -> sessionFailed(session, ex)));
		pipeline.remove(ctx.handler());
		if (bound != null) {
			session.handledByHandler();
		}
		started(session, connection, bound);
	}

	private void started(QWebSocket session, Connection connection, @Nullable AnnotatedHandler<QWebSocket> bound) {
		Duration idleTimeout = this.settings.listen().idleTimeout();
		if (idleTimeout != null) {
			connection.onReadIdle(idleTimeout.toMillis(), () -> session.closeWith(CloseReason.IDLE_TIMEOUT));
		}
		Duration heartbeat = this.settings.heartbeatInterval();
		if (heartbeat != null) {
			Heartbeat.start(session, heartbeat);
		}
		registry().register(session, bound == null);
		if (bound != null) {
			AnnotatedMessageFlow<QWebSocket> flow = new AnnotatedMessageFlow<>(bound,
					new WebSocketTransport(session, this, bound.payloadType()), this);
			ConnectionPipeline.addLast(connection, "qtserver.flowEvents", new FlowEventsHandler(flow));
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

	void handshakeRejected(RejectReason reason, @Nullable CloseCode code, String message) {
		statistics().error();
		statistics().connectionRejected(reason);
		logger.debug("WebSocket server '" + name() + "' refused a handshake: " + message);
		if (code != null) {
			this.error = code;
			setErrorString(message);
			publishFromEventLoop(new WebSocketServerErrorEvent(this, code, message));
		}
	}

	void handshakeFailed(Throwable error) {
		statistics().error();
		if (logger.isDebugEnabled()) {
			logger.debug("WebSocket server '" + name() + "' lost a connection during its handshake: " + error);
		}
	}

	void handshakeTimedOut() {
		statistics().error();
		statistics().connectionRejected(RejectReason.HANDSHAKE_TIMEOUT);
		logger.debug("WebSocket server '" + name() + "' dropped a connection that did not finish its handshake in "
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
		registry().failed(session, error);
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
			session.whenClosed(() -> task.cancel(false));
		}

	}

}
