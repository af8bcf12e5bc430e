package dev.qtserver.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import dev.qtserver.core.AcceptErrorHandler;
import dev.qtserver.core.Addresses;
import dev.qtserver.core.AcceptGate;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.EventLoops;
import dev.qtserver.core.PendingConnectionQueue;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.SerialExecutor;
import dev.qtserver.core.ServerKind;
import dev.qtserver.core.ServerStatistics;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.SocketErrors;
import dev.qtserver.event.AcceptErrorEvent;
import dev.qtserver.event.ConnectionClosedEvent;
import dev.qtserver.event.ConnectionErrorEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.event.ServerClosedEvent;
import dev.qtserver.event.ServerListeningEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A TCP server that behaves like Qt's {@code QTcpServer}, on Reactor Netty.
 *
 * <p>Without a handler, accepted connections queue until the application takes them with
 * {@link #nextPendingConnection()}; once {@link #maxPendingConnections()} are queued the server
 * stops accepting and the rest wait in the operating system's backlog. With a handler bound
 * (an annotated {@link dev.qtserver.handler.QtHandler @QtHandler} bean or a
 * {@link TcpConnectionHandler}), each connection goes straight to it.
 */
public final class QTcpServer implements QtServer {

	private static final Log logger = LogFactory.getLog(QTcpServer.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final TcpServerSettings settings;

	private final TcpFrameCodec codec;

	private final ApplicationEventPublisher eventPublisher;

	private final Executor workers;

	private final List<TcpServerCustomizer> customizers;

	private final AcceptGate gate = new AcceptGate(this::hasRoom, this::admit);

	private final PendingConnectionQueue<QTcpSocket> pending = new PendingConnectionQueue<>();

	private final Map<Long, QTcpSocket> connections = new ConcurrentHashMap<>();

	private final AtomicLong connectionIds = new AtomicLong();

	private final ServerStatistics statistics = new ServerStatistics();

	private final SerialExecutor serverEvents;

	private final Object lifecycleMonitor = new Object();

	private volatile @Nullable DisposableServer server;

	private volatile @Nullable TcpConnectionHandler handler;

	private volatile int maxPendingConnections;

	private volatile int listenBacklogSize;

	private volatile SocketError error = SocketError.UNKNOWN_SOCKET_ERROR;

	private volatile String errorString = "";

	/**
	 * Create a server; it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind
	 */
	public QTcpServer(String name, TcpServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<TcpServerCustomizer> customizers) {
		this.name = name;
		this.settings = settings;
		this.codec = new TcpFrameCodec(settings);
		this.eventPublisher = eventPublisher;
		this.workers = workers;
		this.customizers = List.copyOf(customizers);
		this.serverEvents = new SerialExecutor(workers);
		this.maxPendingConnections = settings.maxPendingConnections();
		this.listenBacklogSize = settings.listenBacklogSize();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ServerKind kind() {
		return ServerKind.TCP;
	}

	/**
	 * Return the settings the server was created with.
	 * @return the settings
	 */
	public TcpServerSettings settings() {
		return this.settings;
	}

	@Override
	public boolean listen() {
		return listen(this.settings.address(), this.settings.port());
	}

	@Override
	public InetSocketAddress configuredAddress() {
		return new InetSocketAddress(this.settings.address(), this.settings.port());
	}

	@Override
	public boolean listen(InetAddress address, int port) {
		EventLoops.assertBlockingAllowed("QTcpServer.listen");
		synchronized (this.lifecycleMonitor) {
			DisposableServer current = this.server;
			if (current != null) {
				setError(SocketError.OPERATION, "The server is already listening on " + current.address());
				return false;
			}
			InetSocketAddress bindAddress = new InetSocketAddress(address, port);
			DisposableServer bound;
			try {
				bound = configure(bindAddress).bindNow(this.settings.bindTimeout());
			}
			catch (RuntimeException ex) {
				SocketError failure = SocketErrors.classify(ex);
				String description = failure.description() + " (" + describe(bindAddress) + ")";
				setError(failure, description);
				logger.debug("TCP server '" + this.name + "' could not listen: " + description, ex);
				this.eventPublisher.publishEvent(new AcceptErrorEvent(this, failure, description));
				return false;
			}
			bound.channel().pipeline().addLast("qtserver.acceptErrors", new AcceptErrorHandler(this::acceptFailed));
			this.server = bound;
			this.gate.attach(bound.channel());
			setError(SocketError.UNKNOWN_SOCKET_ERROR, "");
			this.eventPublisher.publishEvent(new ServerListeningEvent(this, (InetSocketAddress) bound.address()));
			return true;
		}
	}

	private TcpServer configure(InetSocketAddress bindAddress) {
		TcpServer tcp = TcpServer.create()
			.bindAddress(() -> bindAddress)
			.option(ChannelOption.SO_BACKLOG, this.listenBacklogSize)
			// a client that half-closes after its last request (nc -N, shutdown(SHUT_WR)) still gets the replies
			.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
			.doOnConnection(this.gate::offer);
		for (TcpServerCustomizer customizer : this.customizers) {
			tcp = customizer.customize(this.name, tcp);
		}
		return tcp;
	}

	@Override
	public void close() {
		synchronized (this.lifecycleMonitor) {
			DisposableServer bound = this.server;
			if (bound == null) {
				return;
			}
			this.server = null;
			this.gate.detach();
			bound.dispose();
			if (!Schedulers.isInNonBlockingThread()) {
				bound.onDispose().block(CLOSE_TIMEOUT);
			}
			// as Qt does, connections nobody took are dropped with the server
			for (QTcpSocket socket : this.pending.drain()) {
				socket.closeWith(CloseReason.SERVER_CLOSED);
			}
			this.eventPublisher.publishEvent(new ServerClosedEvent(this));
		}
	}

	@Override
	public void shutdown(Duration timeout) {
		close();
		List<QTcpSocket> open = new ArrayList<>(this.connections.values());
		if (open.isEmpty()) {
			return;
		}
		// queued after the messages already received, so those finish and their replies go out
		open.forEach((socket) -> socket.executor().execute(() -> socket.closeWith(CloseReason.SERVER_SHUTDOWN)));
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			Mono.when(open.stream().map(QTcpSocket::onClose).toList()).block(timeout);
		}
		catch (RuntimeException ex) {
			logger.warn("TCP server '" + this.name + "' cut " + this.connections.size()
					+ " connection(s) still open after " + timeout);
			this.connections.values().forEach((socket) -> socket.connection().dispose());
		}
		// let @OnDisconnect methods and close events run before the worker threads go away
		CompletableFuture<?>[] handled = open.stream().map(QTcpSocket::closeHandled).toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(handled)
				.get(Math.max(0, deadline - System.nanoTime()) + CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("TCP server '" + this.name + "' shut down before every connection's close was handled");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isListening() {
		return this.server != null;
	}

	@Override
	public @Nullable InetAddress serverAddress() {
		DisposableServer bound = this.server;
		return (bound != null) ? ((InetSocketAddress) bound.address()).getAddress() : null;
	}

	@Override
	public int serverPort() {
		DisposableServer bound = this.server;
		return (bound != null) ? bound.port() : 0;
	}

	@Override
	public void pauseAccepting() {
		this.gate.pause();
	}

	@Override
	public void resumeAccepting() {
		this.gate.resume();
	}

	@Override
	public boolean isAcceptingPaused() {
		return this.gate.isPaused();
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
		this.gate.refresh();
	}

	/**
	 * Return the listen backlog used by the next {@link #listen()}.
	 * @return the backlog size
	 */
	public int listenBacklogSize() {
		return this.listenBacklogSize;
	}

	/**
	 * Set the listen backlog; as in Qt it takes effect at the next {@link #listen()}.
	 * @param listenBacklogSize the backlog size
	 */
	public void setListenBacklogSize(int listenBacklogSize) {
		if (listenBacklogSize < 1) {
			throw new IllegalArgumentException("listenBacklogSize must be positive");
		}
		this.listenBacklogSize = listenBacklogSize;
	}

	@Override
	public boolean hasPendingConnections() {
		return this.pending.size() > 0;
	}

	@Override
	public int pendingConnectionCount() {
		return this.pending.size();
	}

	@Override
	public int connectionCount() {
		return this.connections.size();
	}

	/**
	 * Take the oldest pending connection; the server may then accept another.
	 * @return the connection, or {@code null} when none is pending
	 */
	public @Nullable QTcpSocket nextPendingConnection() {
		QTcpSocket socket = this.pending.poll();
		if (socket != null) {
			this.gate.refresh();
		}
		return socket;
	}

	/**
	 * Wait until a connection is pending, as Qt's {@code waitForNewConnection}. Blocks, so it
	 * refuses to run on an event loop.
	 * @param timeout how long to wait at most
	 * @return whether a connection is pending; {@code false} at once when not listening
	 */
	public boolean waitForNewConnection(Duration timeout) {
		EventLoops.assertBlockingAllowed("QTcpServer.waitForNewConnection");
		return isListening() && this.pending.awaitNonEmpty(timeout);
	}

	/**
	 * Return the open connections that were taken by the application or given to a handler;
	 * pending ones are not included.
	 * @return the connections, in no particular order
	 */
	public Collection<QTcpSocket> connections() {
		return this.connections.values().stream().filter((socket) -> !this.pending.contains(socket)).toList();
	}

	/**
	 * Look up an open connection.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	public Optional<QTcpSocket> connection(long id) {
		return Optional.ofNullable(this.connections.get(id));
	}

	/**
	 * Send text to every connection returned by {@link #connections()}.
	 * @param text the text, framed for each connection
	 * @return how many connections it was sent to
	 */
	public int broadcast(String text) {
		Collection<QTcpSocket> targets = connections();
		targets.forEach((socket) -> socket.send(text));
		return targets.size();
	}

	@Override
	public SocketError serverError() {
		return this.error;
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
		setHandler((handler instanceof TcpConnectionHandler reactive) ? reactive
				: AnnotatedTcpConnectionHandler.of(handler, handlerName, this));
	}

	/**
	 * Send new connections to a handler instead of the pending queue.
	 * @param handler the handler, or {@code null} to queue new connections again
	 */
	public void setHandler(@Nullable TcpConnectionHandler handler) {
		this.handler = handler;
	}

	@Override
	public String toString() {
		return "QTcpServer[" + this.name + "]";
	}

	private boolean hasRoom() {
		int max = this.settings.maxConnections();
		return this.pending.size() < this.maxPendingConnections && (max < 0 || this.connections.size() < max);
	}

	/** Called by the gate, under its lock: register at once, set the pipeline up on the loop. */
	private void admit(Connection connection) {
		QTcpSocket socket = new QTcpSocket(this.connectionIds.incrementAndGet(), this.name, connection, this.codec,
				new SerialExecutor(this.workers), this.statistics);
		this.connections.put(socket.id(), socket);
		this.statistics.connectionAccepted();
		TcpConnectionHandler bound = this.handler;
		if (bound == null || bound instanceof AnnotatedTcpConnectionHandler) {
			// both read through receiveObject() and answer what was sent before a half-close
			socket.readEndOfInput();
		}
		if (bound == null) {
			this.pending.add(socket);
			socket.executor().execute(() -> {
				this.eventPublisher.publishEvent(new PendingConnectionAvailableEvent(this, socket));
				this.eventPublisher.publishEvent(new NewConnectionEvent(this, socket));
			});
		}
		else {
			socket.executor().execute(() -> this.eventPublisher.publishEvent(new NewConnectionEvent(this, socket)));
		}
		connection.onDispose(() -> closed(socket));
		EventLoop loop = connection.channel().eventLoop();
		if (loop.inEventLoop()) {
			start(socket, bound);
		}
		else {
			loop.execute(() -> start(socket, bound));
		}
	}

	private void start(QTcpSocket socket, @Nullable TcpConnectionHandler bound) {
		Connection connection = socket.connection();
		ChannelHandler decoder = this.codec.newDecoder();
		if (decoder != null) {
			connection.addHandlerLast("qtserver.frameDecoder", decoder);
			connection.addHandlerLast("qtserver.frameErrors",
					new FrameErrorHandler(this.settings.maxFrameLength(), (ex) -> frameTooLong(socket, ex)));
		}
		connection.addHandlerLast("qtserver.inputShutdown", new InputShutdownHandler(socket));
		Duration idleTimeout = this.settings.idleTimeout();
		if (idleTimeout != null) {
			connection.onReadIdle(idleTimeout.toMillis(), () -> socket.closeWith(CloseReason.IDLE_TIMEOUT));
		}
		if (bound != null) {
			Mono.fromDirect(bound.handle(socket, connection.inbound(), connection.outbound()))
				.onErrorResume((ex) -> {
					socket.markClosing(CloseReason.HANDLER_ERROR);
					connectionFailed(socket, ex);
					return Mono.empty();
				})
				.subscribe(connection.disposeSubscriber());
		}
	}

	private void frameTooLong(QTcpSocket socket, FrameTooLongException ex) {
		logger.warn("Closing " + socket + ": " + ex.getMessage());
		socket.markClosing(CloseReason.PROTOCOL_ERROR);
		connectionFailed(socket, ex);
	}

	/** Record a connection error: the metric, and the event in order on the connection's worker. */
	void connectionFailed(QTcpSocket socket, Throwable ex) {
		this.statistics.error();
		socket.executor().execute(() -> this.eventPublisher.publishEvent(new ConnectionErrorEvent(this, socket, ex)));
	}

	private void closed(QTcpSocket socket) {
		this.connections.remove(socket.id());
		this.pending.remove(socket);
		CloseReason reason = socket.closeReason();
		this.statistics.connectionClosed(reason);
		socket.executor().execute(() -> {
			try {
				socket.runCloseHooks();
				this.eventPublisher.publishEvent(new ConnectionClosedEvent(this, socket, reason));
			}
			finally {
				socket.closeHandled().complete(null);
			}
		});
		this.gate.refresh();
	}

	private void acceptFailed(Throwable ex) {
		SocketError failure = SocketErrors.classify(ex);
		String description = failure.description() + ": " + ex.getMessage();
		setError(failure, description);
		logger.warn("TCP server '" + this.name + "' failed to accept a connection: " + description);
		this.serverEvents.execute(() -> this.eventPublisher.publishEvent(new AcceptErrorEvent(this, failure, description)));
	}

	private void setError(SocketError error, String errorString) {
		this.error = error;
		this.errorString = errorString;
	}

	private static String describe(InetSocketAddress address) {
		return Addresses.describe(address.getAddress(), address.getPort());
	}

}
