package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.transport.ServerTransport;

/**
 * The Qt server API written once for every kind of server: name, listeners, pending
 * queue, limits, errors, statistics and shutdown. Its public methods are final and its
 * state private; a server kind passes its transport and settings to the constructor and
 * implements one method, {@link #admit(Connection)}: what to do with a connection its
 * listeners accepted.
 *
 * @param <C> the kind's connection type
 * @param <T> the Reactor Netty server type the listeners bind
 */
public abstract class AbstractQtServer<C extends ManagedConnection, T extends ServerTransport<T, ?>>
		implements QtServer {

	private static final Log logger = LogFactory.getLog(AbstractQtServer.class);

	private final ServerKind kind;

	private final String name;

	private final ListenSettings settings;

	private final Executor workers;

	private final ServerSignals signals;

	private final SerialExecutor serverEvents;

	private final Supplier<T> transport;

	private final List<QtServerCustomizer<T>> customizers;

	private final ServerStatistics statistics = new ServerStatistics();

	private final ConnectionRegistry<C> connections;

	private final ListenerOwner owner = new ListenerOwner();

	/** Replaced, never changed, when a listener is added: readers need no lock. */
	private volatile List<ServerListener> listeners;

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger handshaking = new AtomicInteger();

	private final ListenerTls.Factory tls;

	private final TlsStageOwner tlsOwner = new TlsStageOwner();

	private final Object monitor = new Object();

	private boolean listening;

	private volatile boolean everListened;

	private volatile boolean listenFailed;

	private volatile int maxPendingConnections;

	private volatile SocketError serverError = SocketError.UNKNOWN_SOCKET_ERROR;

	private volatile String errorString = "";

	private volatile @Nullable HandlerCallObserver handlerCallObserver;

	/**
	 * Create a server with one listener, on the settings' address and port.
	 * @param kind the kind of server
	 * @param name the server name
	 * @param settings where it listens and its limits
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param signals makes the server's signals, given the server
	 * @param transport makes a Reactor Netty server, configured for this kind
	 * @param customizers applied to the Reactor Netty server before each bind, in order,
	 * when they {@linkplain QtServerCustomizer#appliesTo(QtServer) apply} to this server
	 */
	protected AbstractQtServer(ServerKind kind, String name, ListenSettings settings, Executor workers,
			Function<QtServer, ServerSignals> signals, Supplier<T> transport,
			List<? extends QtServerCustomizer<T>> customizers) {
		this(kind, name, settings, List.of(settings.listener()), workers, signals, transport, customizers,
				ListenerTls.Factory.NONE);
	}

	/**
	 * Create a server with a listener per address, as Qt's
	 * {@code QAbstractHttpServer::bind()} gives one server several sockets.
	 * @param kind the kind of server
	 * @param name the server name
	 * @param settings its limits; its address, port and TLS are not used
	 * @param listeners where each listener listens and whether it speaks TLS, in order
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param signals makes the server's signals, given the server
	 * @param transport makes a Reactor Netty server, configured for this kind
	 * @param customizers applied to the Reactor Netty server before each bind, in order,
	 * when they {@linkplain QtServerCustomizer#appliesTo(QtServer) apply} to this server
	 * @param tls makes the TLS side of its secure listeners
	 * @throws InvalidSettingException when a secure listener's SSL bundles are missing
	 */
	protected AbstractQtServer(ServerKind kind, String name, ListenSettings settings, List<ListenerSettings> listeners,
			Executor workers, Function<QtServer, ServerSignals> signals, Supplier<T> transport,
			List<? extends QtServerCustomizer<T>> customizers, ListenerTls.Factory tls) {
		if (listeners.isEmpty()) {
			throw new IllegalArgumentException("A server needs at least one listener");
		}
		this.kind = kind;
		this.name = name;
		this.settings = settings;
		this.workers = workers;
		this.signals = signals.apply(this);
		this.serverEvents = new SerialExecutor(workers);
		this.transport = transport;
		this.customizers = List.copyOf(customizers);
		this.maxPendingConnections = settings.maxPendingConnections();
		this.connections = new ConnectionRegistry<>(this, this.signals, this.statistics, this::refreshListeners);
		this.tls = tls;
		List<ServerListener> created = new ArrayList<>();
		for (ListenerSettings listener : listeners) {
			created.add(newListener(created.size(), listener));
		}
		this.listeners = List.copyOf(created);
	}

	private ServerListener newListener(int index, ListenerSettings listener) {
		TlsSettings tlsSettings = listener.tls();
		ListenerTls secure = null;
		if (tlsSettings != null) {
			secure = this.tls.create(tlsSettings, this.kind.displayName() + " server '" + this.name + "'"
					+ ((index > 0) ? " (listener " + index + ")" : ""));
		}
		return new ServerListener(this.owner, index, listener.address(), this.settings.listenBacklogSize(),
				this::hasRoom, this::admitCounted, secure);
	}

	/**
	 * Add a listener at runtime and start it, as Qt's {@code QAbstractHttpServer::bind()}
	 * adds a socket to a running server. A listener that cannot listen is not added.
	 * Blocks until bound, so it refuses to run on an event loop.
	 * @param address where the new listener listens (port 0 for any free port) and
	 * whether it speaks TLS
	 * @return the new listener, listening; {@code null} when it could not listen
	 * ({@link #serverError()} and {@link #errorString()} say why)
	 */
	protected final @Nullable ServerListener addListener(ListenerSettings address) {
		synchronized (this.monitor) {
			ServerListener listener = newListener(this.listeners.size(), address);
			if (!listener.listen()) {
				return null;
			}
			List<ServerListener> grown = new ArrayList<>(this.listeners);
			grown.add(listener);
			this.listeners = List.copyOf(grown);
			return listener;
		}
	}

	/**
	 * Take a connection that one of the listeners accepted. Called under the listener's
	 * gate lock: register the connection at once and hand any slow work to its event
	 * loop.
	 * @param connection the accepted connection
	 */
	protected abstract void admit(Connection connection);

	@Override
	public final String name() {
		return this.name;
	}

	@Override
	public final ServerKind kind() {
		return this.kind;
	}

	@Override
	public final List<ServerListener> listeners() {
		return this.listeners;
	}

	@Override
	public final InetSocketAddress configuredAddress() {
		return this.listeners.get(0).configuredAddress();
	}

	/**
	 * Start every listener on its configured address and port; if one cannot listen,
	 * those this call started are closed again.
	 */
	@Override
	public final boolean listen() {
		List<ServerListener> started = new ArrayList<>();
		for (ServerListener listener : this.listeners) {
			if (!listener.listen()) {
				started.forEach(ServerListener::close);
				return false;
			}
			started.add(listener);
		}
		return true;
	}

	/**
	 * Start the first listener on the given address and port.
	 */
	@Override
	public final boolean listen(InetAddress address, int port) {
		return this.listeners.get(0).listen(address, port);
	}

	/**
	 * Stop every listener. Connections taken by the application or a handler stay open;
	 * pending ones are closed, as Qt does.
	 */
	@Override
	public final void close() {
		this.listeners.forEach(ServerListener::close);
	}

	/**
	 * Stop listening and close every connection, letting messages already received finish
	 * within the timeout.
	 */
	@Override
	public final void shutdown(Duration timeout) {
		// it waits for handlers that may need this very loop to finish
		EventLoops.assertBlockingAllowed(getClass().getSimpleName() + ".shutdown");
		close();
		closeConnections(timeout);
	}

	/**
	 * Close every open connection at shutdown, letting work already received finish
	 * within the timeout. A kind whose connections are not all in the
	 * {@linkplain #registry() registry} (HTTP keeps its own) closes those too.
	 * @param timeout how long to wait before cutting connections
	 */
	protected void closeConnections(Duration timeout) {
		this.connections.closeAll(timeout);
	}

	/**
	 * Return whether any listener is listening.
	 */
	@Override
	public final boolean isListening() {
		return this.listeners.stream().anyMatch(ServerListener::isListening);
	}

	/**
	 * Return the first listener's bound address.
	 */
	@Override
	public final @Nullable InetAddress serverAddress() {
		return this.listeners.get(0).serverAddress();
	}

	/**
	 * Return the first listener's bound port.
	 */
	@Override
	public final int serverPort() {
		return this.listeners.get(0).serverPort();
	}

	@Override
	public final ServerState state() {
		List<ServerListener> bound = this.listeners.stream().filter(ServerListener::isListening).toList();
		if (!bound.isEmpty()) {
			return bound.stream().allMatch(ServerListener::isAcceptingPaused) ? ServerState.PAUSED
					: ServerState.LISTENING;
		}
		if (this.listenFailed) {
			return ServerState.FAILED;
		}
		return this.everListened ? ServerState.CLOSED : ServerState.NOT_STARTED;
	}

	@Override
	public final List<Integer> serverPorts() {
		return this.listeners.stream().filter(ServerListener::isListening).map(ServerListener::serverPort).toList();
	}

	/**
	 * Pause every listener.
	 */
	@Override
	public final void pauseAccepting() {
		this.listeners.forEach(ServerListener::pauseAccepting);
	}

	/**
	 * Resume every listener.
	 */
	@Override
	public final void resumeAccepting() {
		this.listeners.forEach(ServerListener::resumeAccepting);
	}

	/**
	 * Return whether every listener is paused.
	 */
	@Override
	public final boolean isAcceptingPaused() {
		return this.listeners.stream().allMatch(ServerListener::isAcceptingPaused);
	}

	@Override
	public final int maxPendingConnections() {
		return this.maxPendingConnections;
	}

	@Override
	public final void setMaxPendingConnections(int maxPendingConnections) {
		InvalidSettingException.check(maxPendingConnections > 0, "maxPendingConnections", maxPendingConnections,
				"must be positive");
		this.maxPendingConnections = maxPendingConnections;
		refreshListeners();
	}

	@Override
	public final boolean hasPendingConnections() {
		return this.connections.pendingCount() > 0;
	}

	@Override
	public final int pendingConnectionCount() {
		return this.connections.pendingCount();
	}

	/**
	 * Return how many connections are open: every connection a listener admitted (or the
	 * server adopted) until it closes, whether it is still in its handshake, pending, or
	 * taken. {@code max-connections} and the active-connections gauge count the same.
	 */
	@Override
	public final int connectionCount() {
		return this.openConnections.get();
	}

	/**
	 * Take the oldest pending connection, as Qt's {@code nextPendingConnection()}; the
	 * server may then accept another.
	 * @return the connection, or {@code null} when none is pending
	 */
	public final @Nullable C nextPendingConnection() {
		return this.connections.nextPending();
	}

	/**
	 * Wait until a connection is pending, as Qt's {@code waitForNewConnection}. Blocks,
	 * so it refuses to run on an event loop.
	 * @param timeout how long to wait at most
	 * @return whether a connection is pending; {@code false} at once when not listening
	 */
	public final boolean waitForNewConnection(Duration timeout) {
		EventLoops.assertBlockingAllowed(getClass().getSimpleName() + ".waitForNewConnection");
		return isListening() && this.connections.awaitPending(timeout);
	}

	/**
	 * Return the open connections taken by the application or given to a handler; pending
	 * ones are not included.
	 * @return the connections, in no particular order
	 */
	public final Collection<C> connections() {
		return this.connections.taken();
	}

	/**
	 * Look up an open connection.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	@Override
	public final Optional<C> connection(long id) {
		return this.connections.get(id);
	}

	/**
	 * Send text to every connection returned by {@link #connections()}.
	 * @param text the text, framed for each connection as its protocol does
	 * @return how many connections it was sent to
	 */
	public final int broadcast(String text) {
		Collection<C> targets = connections();
		targets.forEach((connection) -> connection.send(text));
		return targets.size();
	}

	/**
	 * Return the last error of any listener (or of the server's own protocol), cleared
	 * when a listener starts listening.
	 */
	@Override
	public final SocketError serverError() {
		return this.serverError;
	}

	@Override
	public final String errorString() {
		return this.errorString;
	}

	@Override
	public final boolean isAutoStartup() {
		return this.settings.autoStartup();
	}

	@Override
	public final ServerStatistics statistics() {
		return this.statistics;
	}

	@Override
	public final void observeHandlerCalls(HandlerCallObserver observer) {
		this.handlerCallObserver = observer;
	}

	@Override
	public final @Nullable HandlerCallObserver handlerCallObserver() {
		return this.handlerCallObserver;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.name + "]";
	}

	/**
	 * Return the open connections and the pending queue, for the kind to register what it
	 * accepts.
	 * @return the registry
	 */
	protected final ConnectionRegistry<C> registry() {
		return this.connections;
	}

	/**
	 * Return where handler code and event listeners run.
	 * @return the workers
	 */
	protected final Executor workers() {
		return this.workers;
	}

	/**
	 * Count a connection this server did not accept itself but now serves (such as a TCP
	 * connection handed over for a WebSocket handshake) until it closes.
	 * @param connection the connection
	 */
	protected final void adopt(Connection connection) {
		this.openConnections.incrementAndGet();
		connection.channel().closeFuture().addListener((future) -> {
			this.openConnections.decrementAndGet();
			refreshListeners();
		});
	}

	/**
	 * Record an error of the kind's own protocol (such as a refused handshake) as the
	 * server's {@link #errorString()}.
	 * @param description what went wrong
	 */
	protected final void setErrorString(String description) {
		this.errorString = description;
	}

	/**
	 * Publish an event of the kind's own from an event loop: on a worker, in the order
	 * published, so a slow listener never holds up the loop.
	 * @param event the event
	 */
	protected final void publishFromEventLoop(Object event) {
		this.serverEvents.execute(() -> this.signals.publish(event));
	}

	private void admitCounted(Connection connection) {
		adopt(connection);
		TlsStage handshake = TlsStage.of(connection.channel());
		if (handshake != null) {
			this.handshaking.incrementAndGet();
			handshake.admitted();
			if (admitsOnceEncrypted()) {
				return;
			}
		}
		admit(connection);
	}

	/**
	 * Connections in their TLS handshake count toward the pending limit, as in Qt's
	 * {@code QSslServer}: a flood of clients that never finish their handshake fills it,
	 * and the handshake timeout frees it.
	 */
	private boolean hasRoom() {
		int max = this.settings.maxConnections();
		int waiting = this.handshaking.get()
				+ (this.kind.pausesAcceptingWhenPendingFull() ? this.connections.pendingCount() : 0);
		return waiting < this.maxPendingConnections && (max < 0 || this.openConnections.get() < max);
	}

	/**
	 * Return whether a connection of a secure listener is {@linkplain #admit(Connection)
	 * admitted} only once encrypted, as Qt's {@code QSslServer} makes a socket pending
	 * then (TCP and WebSocket servers); otherwise it is admitted when the listener lets
	 * it in and its protocol waits for the handshake by itself (HTTP). Either way it
	 * counts as open from the start.
	 * @return whether to admit connections once encrypted
	 */
	protected boolean admitsOnceEncrypted() {
		return true;
	}

	/**
	 * Return how many connections are in their TLS handshake.
	 * @return the count
	 */
	public final int handshakingConnectionCount() {
		return this.handshaking.get();
	}

	/**
	 * Return the id for a connection: the one its TLS stage gave it when accepted, or a
	 * new one.
	 * @param connection the connection
	 * @return the id
	 */
	protected final long connectionId(Connection connection) {
		TlsStage handshake = TlsStage.of(connection.channel());
		return (handshake != null && handshake.server() == this) ? handshake.connectionId() : this.connections.nextId();
	}

	private void refreshListeners() {
		for (ServerListener listener : this.listeners) {
			listener.refresh();
		}
	}

	/**
	 * Configure the kind's Reactor Netty server before each bind, before the customizers:
	 * for what needs the server instance, such as an HTTP request handler.
	 * @param transport the server as the transport supplier made it
	 * @param listener the listener it is bound for
	 * @return the server to bind
	 */
	protected T configure(T transport, ServerListener listener) {
		return transport;
	}

	/**
	 * Turn TLS on for a secure listener's server ({@code secure(tls.sslProviderSpec())}
	 * on Reactor Netty's {@code TcpServer} or {@code HttpServer}).
	 * @param transport the server
	 * @param tls the listener's TLS
	 * @return the secured server
	 */
	protected T secure(T transport, ListenerTls tls) {
		throw new UnsupportedOperationException(this.kind.displayName() + " servers do not support TLS");
	}

	/**
	 * Have the transport report each connection it accepts to the listener's gate. By
	 * default that is when Reactor Netty has set the connection up
	 * ({@code doOnConnection}); a kind whose transport sets connections up later (HTTP
	 * does at the first request) reports them as they are accepted.
	 * @param transport the server
	 * @param offer reports an accepted connection to the gate
	 * @return the server to bind
	 */
	protected T onAccept(T transport, Consumer<Connection> offer) {
		return transport.doOnConnection(offer::accept);
	}

	private DisposableServer bind(ServerListener listener, InetSocketAddress address, int backlog,
			Consumer<Connection> onConnection) {
		T configured = configure(this.transport.get(), listener);
		ListenerTls tls = listener.tls();
		if (tls == null) {
			configured = onAccept(configured, onConnection);
		}
		else {
			configured = secure(configured, tls).doOnChannelInit(
					(observer, channel, remote) -> tls.install(channel, this.connections.nextId(), this.tlsOwner));
			// the gate sees a secure connection as it is accepted, so handshakes count
			// toward its limits; the kind gets it once encrypted, or at once
			configured = admitsOnceEncrypted() ? configured
				.doOnChannelInit((observer, channel, remote) -> onConnection.accept(Connection.from(channel)))
				.doOnConnection(this::admit) : onAccept(configured, onConnection);
		}
		// added last, and first in the pipeline: in front of the SSL handler and every
		// codec, so it sees the bytes as they cross the socket
		configured = configured.doOnChannelInit((observer, channel, remote) -> {
			if (this.statistics.isCountingBytes()) {
				channel.pipeline().addFirst(ByteCounter.NAME, new ByteCounter(this.statistics));
			}
		});
		configured = configured.bindAddress(() -> address).option(ChannelOption.SO_BACKLOG, backlog);
		for (QtServerCustomizer<T> customizer : this.customizers) {
			if (customizer.appliesTo(this)) {
				configured = customizer.customize(this, configured);
			}
		}
		return configured.bindNow(this.settings.bindTimeout());
	}

	/**
	 * The server side of its listeners: binding, the listening and closed signals, and
	 * the server's last error.
	 */
	private final class ListenerOwner implements ServerListener.Owner {

		@Override
		public QtServer server() {
			return AbstractQtServer.this;
		}

		@Override
		public ServerSignals signals() {
			return AbstractQtServer.this.signals;
		}

		@Override
		public DisposableServer bind(ServerListener listener, InetSocketAddress address, int backlog,
				Consumer<Connection> onConnection) {
			return AbstractQtServer.this.bind(listener, address, backlog, onConnection);
		}

		@Override
		public void listening(ServerListener listener, InetSocketAddress address) {
			synchronized (AbstractQtServer.this.monitor) {
				AbstractQtServer.this.listening = true;
			}
			AbstractQtServer.this.everListened = true;
			AbstractQtServer.this.listenFailed = false;
			AbstractQtServer.this.signals.listening(listener, address);
		}

		@Override
		public void closed(ServerListener listener) {
			synchronized (AbstractQtServer.this.monitor) {
				if (!AbstractQtServer.this.listening || isListening()) {
					return;
				}
				AbstractQtServer.this.listening = false;
			}
			// the last listener closed: as Qt does, connections nobody took are dropped
			// with the server
			AbstractQtServer.this.connections.dropPending();
			AbstractQtServer.this.signals.closed();
		}

		@Override
		public void listenFailed(ServerListener listener) {
			AbstractQtServer.this.listenFailed = true;
		}

		@Override
		public void errorChanged(SocketError error, String errorString) {
			AbstractQtServer.this.serverError = error;
			AbstractQtServer.this.errorString = errorString;
		}

		@Override
		public void fromEventLoop(Consumer<ServerSignals> signal) {
			AbstractQtServer.this.serverEvents.execute(() -> signal.accept(AbstractQtServer.this.signals));
		}

	}

	/**
	 * The server side of its connections' TLS stages: events on a worker in order, the
	 * errors metric, and the handshake count behind the accept gates.
	 */
	private final class TlsStageOwner implements TlsStage.Owner {

		@Override
		public QtServer server() {
			return AbstractQtServer.this;
		}

		@Override
		public void publish(Object event) {
			publishFromEventLoop(event);
		}

		@Override
		public void encrypted(TlsStage handshake, Duration took) {
			AbstractQtServer.this.statistics.tlsHandshakeCompleted(took);
			if (!admitsOnceEncrypted()) {
				// the kind took the connection at accept, and counts it only now
				AbstractQtServer.this.statistics.connectionAccepted();
			}
			AbstractQtServer.this.handshaking.decrementAndGet();
			refreshListeners();
		}

		@Override
		public void handshakeFailed(TlsStage handshake, SocketError error, String errorString) {
			// any client can fail a handshake: the event and the metrics record it, a
			// warning per client would let anyone fill the logs
			AbstractQtServer.this.statistics.error();
			AbstractQtServer.this.statistics.tlsHandshakeFailed(error);
			if (logger.isDebugEnabled()) {
				logger.debug(AbstractQtServer.this + " closed connection " + handshake.connectionId()
						+ " in its TLS handshake: " + errorString);
			}
			AbstractQtServer.this.handshaking.decrementAndGet();
			refreshListeners();
		}

	}

}
