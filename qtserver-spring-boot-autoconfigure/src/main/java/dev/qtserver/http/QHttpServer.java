package dev.qtserver.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.qtserver.core.AbstractQtServer;
import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.RejectReason;
import dev.qtserver.core.ServerKind;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.TlsStage;
import dev.qtserver.core.WorkerRunHistory;
import dev.qtserver.core.WorkerTask;
import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnError;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.http.HttpHandlers.Placed;
import dev.qtserver.http.HttpRequestObservations.ObservedRequest;
import dev.qtserver.ssl.ApplicationProtocols;
import dev.qtserver.ssl.TlsHalfClose;
import dev.qtserver.ssl.TlsSupport;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.WebSocketServerSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.HttpResources;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerState;
import reactor.netty.tcp.TcpServer;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * An HTTP server that behaves like Qt's {@code QAbstractHttpServer} and
 * {@code QHttpServer}, on Reactor Netty's {@code HttpServer}: several listeners
 * ({@link #listeners()}, Qt's {@code servers()}), handlers asked in order until one takes
 * a request ({@link Route @Route} methods and {@link HttpRequestHandler}s), a
 * {@link MissingHandlerEvent} and 404 (or 405 with {@code Allow}) when none does, and
 * {@link AfterRequestHandler}s that see every response.
 *
 * <p>
 * Reactor Netty's codec answers malformed requests (400), too long request lines (414)
 * and header blocks (431); this server adds the header count (431) and the body size
 * (413), and answers pipelined requests in order.
 */
public final class QHttpServer extends AbstractQtServer<QWebSocket, HttpServer> {

	private static final Log logger = LogFactory.getLog(QHttpServer.class);

	private final HttpServerSettings settings;

	private final RouteSupport support;

	private final RequestDispatcher dispatcher;

	/** Shared by every request's responder: one method reference, not one per request. */
	private final QHttpServerResponder.ResponseFinisher finisher = this::finish;

	private final Consumer<QHttpServerResponder> requestDone = this::requestDone;

	/** Whether the after-request handlers' worker runs took long lately. */
	private final WorkerRunHistory afterRequestRuns = new WorkerRunHistory();

	/** Whether the upgrade verifiers' worker runs took long lately. */
	private final WorkerRunHistory verifierRuns = new WorkerRunHistory();

	/** The headers of responses to keep-alive HTTP/1.1 requests: {@code Keep-Alive}. */
	private final ResponseHeaderPresets keepAliveHeaders;

	/** The headers of responses to other requests. */
	private final ResponseHeaderPresets plainHeaders = new ResponseHeaderPresets(null);

	/** Who may connect. */
	private final ClientAddressFilter addressFilter;

	/** Requests per client and second, when limited. */
	private final @Nullable ClientRateLimiter rateLimiter;

	private final Set<Channel> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger inFlight = new AtomicInteger();

	/**
	 * The server is shutting down: {@link #closeConnections} waits for {@link #inFlight}
	 * to reach zero, and connections that close count as closed by the shutdown.
	 */
	private volatile boolean draining;

	private final List<HttpRequestObserver> requestObservers = new CopyOnWriteArrayList<>();

	private volatile @Nullable HttpRequestObservations requestObservations;

	private volatile HttpHandlers handlers = HttpHandlers.NONE;

	private final Object binding = new Object();

	private final @Nullable QWebSocketServer webSocketServer;

	/**
	 * Create a server; it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 * @param support conversion and JSON for route methods
	 */
	public QHttpServer(String name, HttpServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<HttpServer>> customizers, RouteSupport support) {
		this(name, settings, eventPublisher, workers, customizers, support, null);
	}

	/**
	 * Create a server that may have secure listeners (https, and h2 by ALPN when
	 * {@code http2} is on); it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 * @param support conversion and JSON for route methods
	 * @param sslBundles where secure listeners find their SSL bundles; needed only when a
	 * listener has TLS settings
	 * @throws dev.qtserver.core.InvalidSettingException when an SSL bundle is missing
	 */
	public QHttpServer(String name, HttpServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<HttpServer>> customizers, RouteSupport support,
			@Nullable SslBundles sslBundles) {
		super(ServerKind.HTTP, name, settings.listen(), checkedListeners(settings, sslBundles), workers,
				(server) -> new ApplicationEventSignals(server, eventPublisher), () -> transport(settings.halfClose()),
				customizers,
				new TlsSupport(sslBundles,
						settings.http2() ? ApplicationProtocols.HTTP_2 : ApplicationProtocols.HTTP_1_1,
						TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT));
		this.settings = settings;
		this.support = support;
		this.dispatcher = new RequestDispatcher(this, workers, support.json());
		this.keepAliveHeaders = new ResponseHeaderPresets(
				AsciiString.cached("timeout=" + Math.max(1, settings.keepAliveTimeout().toSeconds())));
		this.addressFilter = settings.addressFilter();
		this.rateLimiter = (settings.rateLimitPerSecond() > 0) ? new ClientRateLimiter(settings.rateLimitPerSecond())
				: null;
		WebSocketServerSettings websocket = settings.websocket();
		this.webSocketServer = (websocket != null) ? new QWebSocketServer(name, websocket,
				new WebSocketEvents(eventPublisher), workers, List.<QtServerCustomizer<TcpServer>>of()) : null;
	}

	/**
	 * Connections allow half-closure: {@link KeepAliveTimeout} decides when a half-closed
	 * one ends ({@link HalfClose}). On Netty 4.2's epoll transport a half-closed socket
	 * leaves the epoll set once it has nothing to wait for, and a later write that must
	 * wait for room fails and closes the connection. Answering half-closed clients means
	 * writing after the half-close, so servers that do run on Reactor Netty's NIO loops,
	 * which keep such sockets registered, as TCP servers do. Servers that cancel stay on
	 * the default (epoll on Linux): NIO cost 2.5 to 4 % of raw Reactor Netty's throughput
	 * in {@code run-http.sh}, for the one case of an answer still being written when the
	 * client half-closes.
	 */
	private static HttpServer transport(HalfClose halfClose) {
		HttpServer transport = HttpServer.create().childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
		return (halfClose == HalfClose.ANSWER) ? transport.runOn(HttpResources.get(), false) : transport;
	}

	/**
	 * Check that each secure listener's SSL bundles exist before the listeners are made,
	 * so a missing one is reported against its {@code listeners[i]} entry.
	 */
	private static List<ListenerSettings> checkedListeners(HttpServerSettings settings,
			@Nullable SslBundles sslBundles) {
		List<ListenerSettings> listeners = settings.listenerSettings();
		if (settings.listeners().isEmpty()) {
			return listeners;
		}
		for (int index = 0; index < listeners.size(); index++) {
			TlsSettings tls = listeners.get(index).tls();
			if (tls != null) {
				try {
					TlsSupport.checkBundles(tls, sslBundles);
				}
				catch (InvalidSettingException ex) {
					throw new InvalidSettingException("listeners[" + index + "]." + ex.getSetting(), ex.getValue(),
							ex.getRule());
				}
			}
		}
		return listeners;
	}

	/**
	 * Return the WebSocket server that runs the upgrades on this server's listeners, as
	 * Qt's {@code QAbstractHttpServer} holds one: its sessions, pending queue, limits and
	 * errors. It never listens itself.
	 * @return the WebSocket server, or {@code null} when no WebSocket path is configured
	 */
	public @Nullable QWebSocketServer webSocketServer() {
		return this.webSocketServer;
	}

	/**
	 * Return whether upgraded WebSocket sessions wait to be taken, as Qt's
	 * {@code hasPendingWebSocketConnections()}.
	 * @return whether a session is pending
	 */
	public boolean hasPendingWebSocketConnections() {
		QWebSocketServer server = this.webSocketServer;
		return server != null && server.hasPendingConnections();
	}

	/**
	 * Take the oldest upgraded WebSocket session, as Qt's
	 * {@code nextPendingWebSocketConnection()}.
	 * @return the session, or {@code null} when none is pending
	 */
	public @Nullable QWebSocket nextPendingWebSocketConnection() {
		QWebSocketServer server = this.webSocketServer;
		return (server != null) ? server.nextPendingConnection() : null;
	}

	/**
	 * Return the settings the server was created with.
	 * @return the settings
	 */
	public HttpServerSettings settings() {
		return this.settings;
	}

	/**
	 * Add an observer told of every request once it is done, such as the request timer of
	 * the starter's metrics. Requests already in progress may or may not be reported.
	 * @param observer the observer; it runs on event loops and must not block
	 */
	public void addRequestObserver(HttpRequestObserver observer) {
		this.requestObservers.add(observer);
	}

	/**
	 * Observe every request from now on (requests in progress are not), such as the
	 * starter's Micrometer Observation support does when the application has an
	 * {@code ObservationRegistry}.
	 * @param observations what observes the requests
	 */
	public void observeRequests(HttpRequestObservations observations) {
		this.requestObservations = observations;
	}

	/**
	 * Return what observes this server's requests.
	 * @return the observations, or {@code null} when requests are not observed
	 */
	public @Nullable HttpRequestObservations requestObservations() {
		return this.requestObservations;
	}

	/**
	 * Return the listeners, as Qt's {@code servers()}: each with Qt's {@code QTcpServer}
	 * listening API.
	 * @return the listeners in bind order
	 */
	public List<ServerListener> servers() {
		return listeners();
	}

	/**
	 * Listen on one more address, as Qt's {@code bind()} adds a socket to a running
	 * server: the new listener serves the same handlers, limits and WebSocket endpoint,
	 * and comes last in {@link #servers()}.
	 * @param address the address to bind
	 * @param port the port, 0 for any free port
	 * @return the new listener; {@code null} when it could not listen
	 * ({@link #serverError()} and {@link #errorString()} say why)
	 */
	public @Nullable ServerListener bind(InetAddress address, int port) {
		return bind(ListenerSettings.plain(new InetSocketAddress(address, port)));
	}

	/**
	 * Listen on one more address, with TLS or without, as Qt's {@code bind()} takes a
	 * {@code QSslServer} or a {@code QTcpServer}.
	 * @param listener where the new listener listens and whether it speaks TLS
	 * @return the new listener; {@code null} when it could not listen
	 * ({@link #serverError()} and {@link #errorString()} say why)
	 * @throws dev.qtserver.core.InvalidSettingException when its SSL bundle is missing
	 */
	public @Nullable ServerListener bind(ListenerSettings listener) {
		return addListener(listener);
	}

	@Override
	public boolean takesSeveralHandlers() {
		return true;
	}

	/**
	 * Add a handler bean, asked after those bound before it: its {@link Route @Route}
	 * methods, its {@link HttpRequestHandler}, {@link MissingHandler} and
	 * {@link AfterRequestHandler} implementations.
	 */
	@Override
	public void bindHandler(Object handler, String handlerName, HandlerExecution execution) {
		boolean sessions = handlesSessions(handler);
		if (sessions) {
			QWebSocketServer server = this.webSocketServer;
			if (server == null) {
				throw new InvalidHandlerException(handlerName, "Handler bean '" + handlerName
						+ "' has WebSocket handler methods (@OnConnect, @OnMessage, @OnDisconnect, @OnError), but HTTP "
						+ "server '" + name() + "' has no WebSocket endpoint; set qtserver.http." + name()
						+ ".websocket.path");
			}
			server.bindHandler(handler, handlerName, execution);
		}
		if (!sessions || HttpHandlers.handlesRequests(handler)) {
			synchronized (this.binding) {
				this.handlers = this.handlers.with(handler, handlerName, execution, this.support);
			}
		}
	}

	private HttpProtocol[] protocols(boolean secure) {
		if (!this.settings.http2()) {
			return new HttpProtocol[] { HttpProtocol.HTTP11 };
		}
		return new HttpProtocol[] { HttpProtocol.HTTP11, secure ? HttpProtocol.H2 : HttpProtocol.H2C };
	}

	private static boolean handlesSessions(Object handler) {
		Class<?> type = ClassUtils.getUserClass(handler);
		return !MethodIntrospector
			.selectMethods(type, (MethodIntrospector.MetadataLookup<Boolean>) (
					method) -> (AnnotatedElementUtils.hasAnnotation(method, OnConnect.class)
							|| AnnotatedElementUtils.hasAnnotation(method, OnMessage.class)
							|| AnnotatedElementUtils.hasAnnotation(method, OnDisconnect.class)
							|| AnnotatedElementUtils.hasAnnotation(method, OnError.class)) ? Boolean.TRUE : null)
			.isEmpty();
	}

	/**
	 * Connections of secure listeners are admitted when accepted: requests wait for the
	 * handshake by themselves.
	 */
	@Override
	protected boolean admitsOnceEncrypted() {
		return false;
	}

	@Override
	protected HttpServer secure(HttpServer transport, ListenerTls tls) {
		return transport.secure(tls.sslProviderSpec());
	}

	@Override
	protected HttpServer configure(HttpServer transport, ServerListener listener) {
		HttpServer configured = transport.handle(this::serve)
			.childObserve(this::requestStateChanged)
			.httpRequestDecoder((decoder) -> decoder.maxInitialLineLength(this.settings.maxInitialLineLength())
				.maxHeaderSize(this.settings.maxHeaderSize())
				.h2cMaxContentLength((int) this.settings.maxBodySize()))
			.compress(this.settings.compression())
			.forwarded(this.settings.forwardHeaders())
			.protocol(protocols(listener.isSecure()));
		Duration idle = this.settings.listen().idleTimeout();
		if (idle != null) {
			configured = configured.readTimeout(idle);
		}
		if (this.settings.requestTimeout() != null) {
			configured = configured.requestTimeout(this.settings.requestTimeout());
		}
		if (this.settings.maxKeepAliveRequests() > 0) {
			configured = configured.maxKeepAliveRequests(this.settings.maxKeepAliveRequests());
		}
		return configured;
	}

	/**
	 * Reactor Netty sets an HTTP connection up only when its first request arrives: offer
	 * connections to the gate as they are accepted instead, so that a connection that has
	 * not sent a request yet counts toward {@code max-connections}, and mark each as
	 * parked until the gate admits it.
	 */
	@Override
	protected HttpServer onAccept(HttpServer transport, Consumer<Connection> offer) {
		QWebSocketServer upgrades = this.webSocketServer;
		WebSocketServerSettings websocket = this.settings.websocket();
		return transport.doOnChannelInit((observer, channel, address) -> {
			if (!this.addressFilter.allows(channel.remoteAddress())) {
				// refused before anything is read (or a TLS handshake is begun)
				statistics().connectionRejected(RejectReason.ADDRESS);
				channel.close();
				return;
			}
			if (upgrades != null && websocket != null) {
				WebSocketUpgrades.watch(channel.pipeline(), websocket.path(), upgrades, this);
			}
			// last in the pipeline: on HTTP/1.1 Reactor Netty's bridge takes I/O errors
			// before it, on HTTP/2 nothing does
			channel.pipeline().addLast(PeerResetHandler.NAME, PeerResetHandler.INSTANCE);
			if (this.settings.http2()) {
				Http2RequestHeadGuard.install(channel.pipeline(),
						(guard) -> rejected(HttpResponseStatus.BAD_REQUEST.code(),
								inet(guard.channel().remoteAddress())));
			}
			HttpConnectionState.install(channel,
					KeepAliveTimeout.install(channel, this.settings.keepAliveTimeout(), this.settings.halfClose()));
			TlsHalfClose.install(channel.pipeline());
			offer.accept(Connection.from(channel));
		});
	}

	/** Called by a listener's gate: the connection's requests may now be served. */
	@Override
	protected void admit(Connection connection) {
		Channel channel = connection.channel();
		TlsStage tls = TlsStage.of(channel);
		if (tls == null) {
			// a secure connection counts once encrypted, as on the other kinds
			statistics().connectionAccepted();
		}
		this.open.add(channel);
		HttpConnectionState state = HttpConnectionState.of(channel);
		channel.closeFuture().addListener((future) -> {
			this.open.remove(channel);
			// an upgraded connection is a WebSocket session's, which counts its own
			// close;
			// one whose TLS handshake failed was never counted accepted
			if (state != null && channel.pipeline().get(KeepAliveTimeout.NAME) != null
					&& (tls == null || tls.session() != null)) {
				statistics().connectionClosed(state.closeReason(this.draining));
			}
		});
		if (state != null) {
			state.admit();
		}
	}

	/**
	 * Close connections at shutdown: wait for requests in flight to be answered within
	 * the timeout, then close every connection once its responses are written
	 * ({@link ConnectionDrain}; idle keep-alive ones at once).
	 */
	@Override
	protected void closeConnections(Duration timeout) {
		// from now on the last request to end wakes this thread up
		this.draining = true;
		super.closeConnections(timeout);
		QWebSocketServer upgrades = this.webSocketServer;
		if (upgrades != null) {
			upgrades.shutdown(timeout);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.inFlight) {
			while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.inFlight, deadline - System.nanoTime());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		int unfinished = this.inFlight.get();
		if (unfinished > 0) {
			logger.warn("HTTP server '" + name() + "' closed " + unfinished
					+ " connection(s) with a request still in progress after " + timeout);
			ConnectionDrain.cutAll(this.open);
			return;
		}
		int cut = ConnectionDrain.closeAll(this.open, deadline);
		if (cut > 0) {
			logger.warn("HTTP server '" + name() + "' cut " + cut
					+ " connection(s) still writing a response, or waiting for its client to close, after " + timeout);
		}
	}

	/**
	 * Serve a request, once its connection is admitted: a request that arrives on a
	 * connection the gate parked (server paused or full) waits, unread beyond its head,
	 * as if the connection were still in the backlog.
	 */
	private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
		Channel channel = channelOf(response);
		// the gate parks connections: an HTTP/2 stream's is its parent's
		HttpConnectionState connection = Objects.requireNonNull(HttpConnectionState.of(channel),
				"a connection the server accepted");
		Sinks.Empty<Void> parked = connection.parked();
		if (parked != null) {
			// answered after this call, perhaps on the gate's thread, while Reactor Netty
			// may queue the requests behind it: mark the connection here, on its event
			// loop, before any of those is handed over
			connection.answeredLate(channel);
			return parked.asMono().then(Mono.defer(() -> Mono.from(admitted(request, response, channel, connection))));
		}
		return admitted(request, response, channel, connection);
	}

	private Publisher<Void> admitted(HttpServerRequest request, HttpServerResponse response, Channel channel,
			HttpConnectionState connection) {
		ClientRateLimiter limiter = this.rateLimiter;
		if (limiter != null && !limiter.tryAcquire(clientKey(request))) {
			return tooManyRequests(response);
		}
		HttpHeaders headers = request.requestHeaders();
		if (headers.size() > this.settings.maxHeaderCount()) {
			return reject(response, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
		}
		HttpVersion version = request.version();
		if (!RequestChannels.isStream(channel)) {
			HttpResponseStatus refusal = RequestHeadCheck.refusal(request.method(), request.uri(), version, headers);
			if (refusal != null) {
				return reject(response, refusal);
			}
		}
		long length = contentLength(headers);
		if (length > this.settings.maxBodySize()) {
			return reject(response, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
		}
		statistics().messageReceived();
		// HTTP/1.1 only: Reactor Netty closes an HTTP/1.0 connection even when it asks to
		// be kept
		ResponseHeaderPresets presets = (request.isKeepAlive() && HttpVersion.HTTP_1_1.equals(version))
				? this.keepAliveHeaders : this.plainHeaders;
		if (length == 0 || (length < 0 && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING))) {
			return start(request, response, channel, connection, presets, null);
		}
		if (connection.mayQueue(channel)) {
			// Reactor Netty 1.3.7 hands a pipelined request over while the pieces of its
			// body it had queued are still queued, and swallows the read that asking for
			// the body makes then: once they are out, nothing would read the rest
			channel.eventLoop().execute(channel::read);
		}
		return BodyCollector.collect(request.receive(), (int) this.settings.maxBodySize())
			.flatMap((body) -> bodyCollected(request, response, channel, connection, presets, body))
			.onErrorResume(BodyCollector.BodyTooLargeException.class,
					(ex) -> reject(response, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE))
			// the client reset or left in the middle of its body: nobody to answer, and
			// no failed handler for Reactor Netty to report at ERROR
			.onErrorResume(BodyCollector::isClientGone, (ex) -> Mono.empty());
	}

	private Mono<Void> start(HttpServerRequest request, HttpServerResponse response, Channel channel,
			HttpConnectionState connection, ResponseHeaderPresets presets, byte @Nullable [] body) {
		QHttpServerRequest qtRequest = new QHttpServerRequest(request.method().name(),
				RequestHeadCheck.originForm(request.uri()), request.scheme(), request.hostName(), hostPort(request),
				request.requestHeaders(), body, remote(request), local(request, channel), request.version().text(),
				connection.sslSession(channel));
		HttpRequestObservations observations = this.requestObservations;
		ObservedRequest observed = (observations != null) ? observations.requestStarted(this, qtRequest) : null;
		QHttpServerResponder responder = new QHttpServerResponder(response, channel, qtRequest, this.finisher,
				this.requestDone, observed, connection, presets);
		this.inFlight.incrementAndGet();
		connection.keepAlive().exchangeStarted();
		responder.dispatching();
		this.dispatcher.dispatch(this.handlers, qtRequest, responder, channel);
		responder.dispatched();
		return responder.completion();
	}

	private void requestDone(QHttpServerResponder responder) {
		// one clock read for the connection's idle time and the request's duration
		long now = System.nanoTime();
		responder.connection().keepAlive().exchangeEnded(now);
		ObservedRequest observed = responder.observation();
		if (observed != null || !this.requestObservers.isEmpty()) {
			QHttpServerRequest request = responder.request();
			CompletedRequest completed = new CompletedRequest(this, request.method(), request.route().orElse(null),
					responder.response().status().code(), responder.isCancelled(),
					Duration.ofNanos(now - responder.startedNanos()));
			if (observed != null) {
				try {
					observed.completed(completed);
				}
				catch (RuntimeException ex) {
					logger.warn("Observing a request of " + this + " failed", ex);
				}
			}
			for (HttpRequestObserver observer : this.requestObservers) {
				try {
					observer.requestCompleted(completed);
				}
				catch (RuntimeException ex) {
					logger.warn("Request observer " + observer + " of " + this + " failed", ex);
				}
			}
		}
		statistics().messageSent();
		if (this.inFlight.decrementAndGet() == 0 && this.draining) {
			synchronized (this.inFlight) {
				this.inFlight.notifyAll();
			}
		}
	}

	/** The port the client addressed, or -1 when it is the scheme's default. */
	private static int hostPort(HttpServerRequest request) {
		int port = request.hostPort();
		boolean defaultPort = port == 80 && "http".equals(request.scheme())
				|| port == 443 && "https".equals(request.scheme());
		return (port <= 0 || defaultPort) ? -1 : port;
	}

	/**
	 * The client a request is counted for by the rate limit: its address, forwarded or
	 * not.
	 */
	private static Object clientKey(HttpServerRequest request) {
		InetSocketAddress remote = remote(request);
		InetAddress address = remote.getAddress();
		return (address != null) ? address : remote.getHostString();
	}

	/** Qt's answer to a client over the rate limit; the connection stays open. */
	private Mono<Void> tooManyRequests(HttpServerResponse response) {
		statistics().connectionRejected(RejectReason.RATE_LIMIT);
		return response.status(HttpResponseStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaderNames.RETRY_AFTER, "1")
			.header(HttpHeaderNames.CONTENT_LENGTH, "0")
			.send()
			.then();
	}

	private static InetSocketAddress remote(HttpServerRequest request) {
		InetSocketAddress address = request.remoteAddress();
		return (address != null) ? address : InetSocketAddress.createUnresolved("unknown", 0);
	}

	private static InetSocketAddress local(HttpServerRequest request, Channel channel) {
		InetSocketAddress address = request.hostAddress();
		return (address != null) ? address : (InetSocketAddress) channel.localAddress();
	}

	private static long contentLength(HttpHeaders headers) {
		String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		if (value == null) {
			return -1;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static Channel channelOf(HttpServerResponse response) {
		if (response instanceof Connection connection) {
			// Reactor Netty's responses are their connection's operations: no callback
			return connection.channel();
		}
		Channel[] channel = new Channel[1];
		response.withConnection((connection) -> channel[0] = connection.channel());
		return Objects.requireNonNull(channel[0], "a response has a connection");
	}

	/**
	 * Serve a request whose body was collected, unless the codec could not decode the
	 * body, which ends its collection as if the body had ended well: Reactor Netty has
	 * then answered 400 already, or (a request it had queued, see
	 * {@link ClosingRequestGate}) has not noticed, and the server does.
	 */
	private Mono<Void> bodyCollected(HttpServerRequest request, HttpServerResponse response, Channel channel,
			HttpConnectionState connection, ResponseHeaderPresets presets, byte[] body) {
		if (response.hasSentHeaders()) {
			return Mono.empty();
		}
		if (connection.isBodyUndecodable(request.requestHeaders())) {
			return reject(response, HttpResponseStatus.BAD_REQUEST);
		}
		return start(request, response, channel, connection, presets, body);
	}

	private Mono<Void> reject(HttpServerResponse response, HttpResponseStatus status) {
		rejected(status.code(), inet(response.remoteAddress()));
		return response.status(status)
			.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
			.header(HttpHeaderNames.CONTENT_LENGTH, "0")
			.send()
			.then();
	}

	/**
	 * Run the after-request handlers, each where it is placed, then write. Asked for on
	 * the event loop with any of them placed on workers, they all run on a worker, with
	 * the other worker runs of the loop's pass.
	 */
	private void finish(EventLoop eventLoop, QHttpServerRequest request, QHttpServerResponse response, Runnable write) {
		List<Placed<AfterRequestHandler>> after = this.handlers.after();
		if (after.isEmpty()) {
			write.run();
			return;
		}
		boolean anyOnWorker = after.stream().anyMatch((handler) -> !handler.onEventLoop());
		if (anyOnWorker && reactor.core.scheduler.Schedulers.isInNonBlockingThread()) {
			WorkerTask.execute(eventLoop, workers(), this.afterRequestRuns,
					() -> runAfter(after, request, response, write), (refused) -> {
						logger.debug(
								"HTTP server '" + name() + "': no worker for the after-request handlers of " + request,
								refused);
						replaceWithEmpty(response, 503);
						write.run();
					});
		}
		else {
			runAfter(after, request, response, write);
		}
	}

	private void runAfter(List<Placed<AfterRequestHandler>> after, QHttpServerRequest request,
			QHttpServerResponse response, Runnable write) {
		for (Placed<AfterRequestHandler> handler : after) {
			try {
				handler.handler().afterRequest(request, response);
			}
			catch (RuntimeException ex) {
				logger.warn("HTTP server '" + name() + "': an after-request handler failed on " + request, ex);
				handlerFailed(request, ex);
				replaceWithEmpty(response, 500);
			}
		}
		write.run();
	}

	private static void replaceWithEmpty(QHttpServerResponse response, int status) {
		response.setStatus(status).setBody(new byte[0]);
		response.headers().clear();
	}

	/**
	 * Publishes the WebSocket server's events, and Qt's {@code newWebSocketConnection}
	 * signal for each session that waits to be taken.
	 */
	private final class WebSocketEvents implements ApplicationEventPublisher {

		private final ApplicationEventPublisher publisher;

		WebSocketEvents(ApplicationEventPublisher publisher) {
			this.publisher = publisher;
		}

		@Override
		public void publishEvent(Object event) {
			this.publisher.publishEvent(event);
			if (event instanceof PendingConnectionAvailableEvent pending
					&& pending.getConnection() instanceof QWebSocket session) {
				this.publisher.publishEvent(new NewWebSocketConnectionEvent(QHttpServer.this, session));
			}
		}

	}

	/**
	 * Ask the upgrade verifiers about an upgrade request, each on the thread it is placed
	 * on; the verdict is given on the connection's event loop. Without verifiers every
	 * upgrade for the path is accepted.
	 */
	void verifyUpgrade(Channel channel, HttpRequest request, Consumer<WebSocketUpgradeResponse> verdict) {
		HttpConnectionState connection = HttpConnectionState.of(channel);
		Sinks.Empty<Void> parked = (connection != null) ? connection.parked() : null;
		if (parked != null) {
			// a connection the gate parked upgrades once it is admitted, as a request
			// waits
			parked.asMono()
				.subscribe(null, null,
						() -> channel.eventLoop().execute(() -> verifyUpgrade(channel, request, verdict)));
			return;
		}
		HttpResponseStatus refusal = RequestHeadCheck.refusal(request.method(), request.uri(),
				request.protocolVersion(), request.headers());
		if (refusal != null) {
			// refused as any request would be (no Host, say), before a verifier is asked
			rejected(refusal.code(), inet(channel.remoteAddress()));
			verdict.accept(WebSocketUpgradeResponse.deny(refusal.code()));
			return;
		}
		List<Placed<WebSocketUpgradeVerifier>> verifiers = this.handlers.verifiers();
		if (verifiers.isEmpty()) {
			verdict.accept(WebSocketUpgradeResponse.accept());
			return;
		}
		InetSocketAddress local = (InetSocketAddress) channel.localAddress();
		QHttpServerRequest upgrade = new QHttpServerRequest(request.method().name(), request.uri(),
				TlsStage.isSecure(channel) ? "https" : "http",
				request.headers().get(HttpHeaderNames.HOST, local.getHostString() + ":" + local.getPort()), -1,
				request.headers(), null, (InetSocketAddress) channel.remoteAddress(), local,
				request.protocolVersion().text(), (connection != null) ? connection.sslSession(channel) : null);
		askVerifier(verifiers, 0, upgrade, channel, verdict);
	}

	private void askVerifier(List<Placed<WebSocketUpgradeVerifier>> verifiers, int index, QHttpServerRequest request,
			Channel channel, Consumer<WebSocketUpgradeResponse> verdict) {
		if (index == verifiers.size()) {
			channel.eventLoop().execute(() -> verdict.accept(WebSocketUpgradeResponse.passToNext()));
			return;
		}
		Placed<WebSocketUpgradeVerifier> verifier = verifiers.get(index);
		Runnable ask = () -> {
			WebSocketUpgradeResponse answer;
			try {
				answer = verifier.handler().verifyUpgrade(request);
			}
			catch (RuntimeException ex) {
				logger.warn("HTTP server '" + name() + "': a WebSocket upgrade verifier failed on " + request, ex);
				handlerFailed(request, ex);
				answer = WebSocketUpgradeResponse.deny(500);
			}
			if (answer.type() == WebSocketUpgradeResponse.Type.PASS_TO_NEXT) {
				askVerifier(verifiers, index + 1, request, channel, verdict);
			}
			else {
				WebSocketUpgradeResponse decided = answer;
				channel.eventLoop().execute(() -> verdict.accept(decided));
			}
		};
		if (verifier.onEventLoop()) {
			channel.eventLoop().execute(ask);
		}
		else {
			WorkerTask.execute(channel.eventLoop(), workers(), this.verifierRuns, ask, (refused) -> {
				logger.debug("HTTP server '" + name() + "': no worker for the upgrade verifiers of " + request,
						refused);
				channel.eventLoop().execute(() -> verdict.accept(WebSocketUpgradeResponse.deny(503)));
			});
		}
	}

	/** Reactor Netty's codec refused a request (400, 414, 431) and answered it. */
	private void requestStateChanged(Connection connection, ConnectionObserver.State state) {
		if (state == HttpServerState.REQUEST_DECODING_FAILED) {
			// the operations Reactor Netty made for a refused request carry its answer;
			// those of a request whose chunked body failed are the request's own, still
			// at 200 while Reactor Netty answered 400
			int status = (connection instanceof HttpServerResponse refused && refused.status().code() >= 400)
					? refused.status().code() : HttpResponseStatus.BAD_REQUEST.code();
			rejected(status, inet(connection.channel().remoteAddress()));
		}
	}

	private static @Nullable InetSocketAddress inet(@Nullable SocketAddress address) {
		return (address instanceof InetSocketAddress inet) ? inet : null;
	}

	private void rejected(int status, @Nullable InetSocketAddress remoteAddress) {
		statistics().connectionRejected(RejectReason.BAD_REQUEST);
		publishFromEventLoop(new HttpRequestRejectedEvent(this, status, remoteAddress));
	}

	void missing(QHttpServerRequest request) {
		publishFromEventLoop(new MissingHandlerEvent(this, request));
	}

	void handlerFailed(QHttpServerRequest request, Throwable error) {
		statistics().handlerError();
		statistics().error();
		publishFromEventLoop(new HttpHandlerErrorEvent(this, request, error));
	}

}
