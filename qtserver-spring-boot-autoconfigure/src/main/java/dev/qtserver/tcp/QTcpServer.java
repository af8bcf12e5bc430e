package dev.qtserver.tcp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionRegistry;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.EventLoops;
import dev.qtserver.core.IoErrorHandler;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerEndpoint;
import dev.qtserver.core.ServerKind;
import dev.qtserver.core.ServerStatistics;
import dev.qtserver.core.SocketError;
import dev.qtserver.event.ApplicationEventSignals;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A TCP server that behaves like Qt's {@code QTcpServer}, on Reactor Netty.
 *
 * <p>
 * Without a handler, accepted connections queue until the application takes them with
 * {@link #nextPendingConnection()}; once {@link #maxPendingConnections()} are queued the
 * server stops accepting and the rest wait in the operating system's backlog. With a
 * handler bound (an annotated {@link dev.qtserver.handler.QtHandler @QtHandler} bean or a
 * {@link TcpConnectionHandler}), each connection goes straight to it.
 */
public final class QTcpServer implements QtServer {

	private static final Log logger = LogFactory.getLog(QTcpServer.class);

	private final String name;

	private final TcpServerSettings settings;

	private final TcpFrameCodec codec;

	private final Executor workers;

	private final List<TcpServerCustomizer> customizers;

	private final ServerStatistics statistics = new ServerStatistics();

	private final ConnectionRegistry<QTcpSocket> connections;

	private final ServerEndpoint endpoint;

	private volatile @Nullable TcpConnectionHandler handler;

	private volatile int maxPendingConnections;

	private volatile int listenBacklogSize;

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
		this.workers = workers;
		this.customizers = List.copyOf(customizers);
		this.maxPendingConnections = settings.maxPendingConnections();
		this.listenBacklogSize = settings.listenBacklogSize();
		ApplicationEventSignals signals = new ApplicationEventSignals(this, eventPublisher);
		this.connections = new ConnectionRegistry<>(this, signals, this.statistics);
		this.endpoint = new ServerEndpoint(this, signals, workers, this::hasRoom, this::admit, this::configure);
		this.connections.onRoomChange(this.endpoint.gate()::refresh);
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
	public InetSocketAddress configuredAddress() {
		return new InetSocketAddress(this.settings.address(), this.settings.port());
	}

	@Override
	public boolean listen() {
		return listen(this.settings.address(), this.settings.port());
	}

	@Override
	public boolean listen(InetAddress address, int port) {
		return this.endpoint.listen(address, port, this.listenBacklogSize, this.settings.bindTimeout());
	}

	private TcpServer configure(TcpServer tcp) {
		// a client that half-closes after its last request (nc -N, shutdown(SHUT_WR))
		// still gets the replies. On Netty 4.2's epoll transport a half-closed socket
		// leaves the epoll set once it has nothing to wait for, and a later write that
		// must wait for room fails and closes the channel (the tail of a large answer is
		// lost, raw Reactor Netty included): NIO keeps such sockets registered, so TCP
		// servers run on Reactor Netty's NIO loops.
		TcpServer configured = tcp.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).runOn(TcpResources.get(), false);
		for (TcpServerCustomizer customizer : this.customizers) {
			configured = customizer.customize(this.name, configured);
		}
		return configured;
	}

	@Override
	public void close() {
		// as Qt does, connections nobody took are dropped with the server
		this.endpoint.close(this.connections::dropPending);
	}

	@Override
	public void shutdown(Duration timeout) {
		close();
		this.connections.closeAll(timeout);
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
		this.endpoint.gate().refresh();
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
		return this.connections.pendingCount() > 0;
	}

	@Override
	public int pendingConnectionCount() {
		return this.connections.pendingCount();
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
		return this.connections.nextPending();
	}

	/**
	 * Wait until a connection is pending, as Qt's {@code waitForNewConnection}. Blocks,
	 * so it refuses to run on an event loop.
	 * @param timeout how long to wait at most
	 * @return whether a connection is pending; {@code false} at once when not listening
	 */
	public boolean waitForNewConnection(Duration timeout) {
		EventLoops.assertBlockingAllowed("QTcpServer.waitForNewConnection");
		return isListening() && this.connections.awaitPending(timeout);
	}

	/**
	 * Return the open connections that were taken by the application or given to a
	 * handler; pending ones are not included.
	 * @return the connections, in no particular order
	 */
	public Collection<QTcpSocket> connections() {
		return this.connections.taken();
	}

	/**
	 * Look up an open connection.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	public Optional<QTcpSocket> connection(long id) {
		return this.connections.get(id);
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
		return this.endpoint.serverError();
	}

	@Override
	public String errorString() {
		return this.endpoint.errorString();
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
		return this.connections.pendingCount() < this.maxPendingConnections
				&& (max < 0 || this.connections.size() < max);
	}

	/**
	 * Called by the gate, under its lock: register at once, set the pipeline up on the
	 * loop.
	 */
	private void admit(Connection connection) {
		QTcpSocket socket = new QTcpSocket(this.connections.nextId(), this.name, connection, this.codec,
				new ConnectionState(this.workers), this.statistics);
		TcpConnectionHandler bound = this.handler;
		if (bound == null || bound instanceof AnnotatedTcpConnectionHandler) {
			// both read through receiveObject() and answer what was sent before a
			// half-close
			socket.readEndOfInput();
		}
		this.connections.register(socket, bound == null);
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
		if (!connection.channel().isActive()) {
			// closed while it waited for this loop (a parked connection): its close is
			// already handled
			return;
		}
		ChannelHandler decoder = this.codec.newDecoder();
		if (decoder != null) {
			connection.addHandlerLast(QTcpSocket.FRAME_DECODER, decoder);
			connection.addHandlerLast(QTcpSocket.FRAME_ERRORS,
					new FrameErrorHandler(this.settings.maxFrameLength(), (ex) -> frameTooLong(socket, ex)));
		}
		connection.addHandlerLast(QTcpSocket.INPUT_SHUTDOWN, new InputShutdownHandler(socket));
		connection.addHandlerLast(QTcpSocket.IO_ERRORS,
				new IoErrorHandler(() -> bound != null || socket.isReceived(), (ex) -> connectionFailed(socket, ex)));
		Duration idleTimeout = this.settings.idleTimeout();
		// only where a handler reads: an unread pending connection would look idle
		// however chatty
		if (idleTimeout != null && bound != null) {
			connection.onReadIdle(idleTimeout.toMillis(), () -> socket.closeWith(CloseReason.IDLE_TIMEOUT));
		}
		if (bound != null) {
			Mono.fromDirect(bound.handle(socket, connection.inbound(), connection.outbound())).onErrorResume((ex) -> {
				socket.state().closing(CloseReason.HANDLER_ERROR);
				connectionFailed(socket, ex);
				return Mono.empty();
			}).subscribe(connection.disposeSubscriber());
		}
	}

	private void frameTooLong(QTcpSocket socket, FrameTooLongException ex) {
		// the peer broke the framing: the event and the errors metric record it; a
		// warning per bad client would let any client fill the logs
		if (logger.isDebugEnabled()) {
			logger.debug("Closing " + socket + ": " + ex.getMessage());
		}
		socket.state().closing(CloseReason.PROTOCOL_ERROR);
		connectionFailed(socket, ex);
	}

	/**
	 * Record a connection error: the metric, and the event in order on the connection's
	 * worker.
	 */
	void connectionFailed(QTcpSocket socket, Throwable ex) {
		this.connections.failed(socket, ex);
	}

}
