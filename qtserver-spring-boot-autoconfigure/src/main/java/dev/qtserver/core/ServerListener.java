package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;

/**
 * One listening socket of a server, with Qt's {@code QTcpServer} listening API: what
 * {@code QAbstractHttpServer::servers()} shows for each bound port. TCP and WebSocket
 * servers have exactly one listener; an HTTP server may have several. Each listener has
 * its own {@link AcceptGate}, so pausing and the server's limits are strict on every
 * socket.
 */
public final class ServerListener {

	private static final Log logger = LogFactory.getLog(ServerListener.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration ACCEPT_RECOVERY = Duration.ofMillis(1100);

	private final Owner owner;

	private final int index;

	private final InetSocketAddress configuredAddress;

	private final AcceptGate gate;

	private final Object monitor = new Object();

	private volatile int listenBacklogSize;

	private final @Nullable ListenerTls tls;

	private volatile @Nullable DisposableServer bound;

	private volatile SocketError error = SocketError.UNKNOWN_SOCKET_ERROR;

	private volatile String errorString = "";

	ServerListener(Owner owner, int index, InetSocketAddress configuredAddress, int listenBacklogSize,
			BooleanSupplier hasRoom, Consumer<Connection> admitter, @Nullable ListenerTls tls) {
		this.owner = owner;
		this.tls = tls;
		this.index = index;
		this.configuredAddress = configuredAddress;
		this.listenBacklogSize = listenBacklogSize;
		this.gate = new AcceptGate(hasRoom, admitter);
	}

	/**
	 * Return the listener's position among its server's listeners.
	 * @return the index, 0 for the first
	 */
	public int index() {
		return this.index;
	}

	/**
	 * Return the server this listener accepts connections for.
	 * @return the server
	 */
	public QtServer server() {
		return this.owner.server();
	}

	/**
	 * Return the address and port that {@link #listen()} binds.
	 * @return the configured address; port 0 means any free port
	 */
	public InetSocketAddress configuredAddress() {
		return this.configuredAddress;
	}

	/**
	 * Return whether this listener speaks TLS, as Qt's {@code QSslServer}.
	 * @return whether it is secure
	 */
	public boolean isSecure() {
		return this.tls != null;
	}

	/**
	 * Return the TLS side of a secure listener: its settings, handshake timeout and SSL
	 * configuration.
	 * @return the listener's TLS, or {@code null} for a plain listener
	 */
	public @Nullable ListenerTls tls() {
		return this.tls;
	}

	/**
	 * Return the handshake timeout of a secure listener.
	 * @return the timeout, or {@code null} for a plain listener
	 */
	public @Nullable Duration handshakeTimeout() {
		ListenerTls secure = this.tls;
		return (secure != null) ? secure.handshakeTimeout() : null;
	}

	/**
	 * Listen on the configured address and port.
	 * @return whether the listener now listens; if not, {@link #serverError()} says why
	 */
	public boolean listen() {
		return listen(this.configuredAddress.getAddress(), this.configuredAddress.getPort());
	}

	/**
	 * Listen on the given address and port, as Qt's {@code listen(address, port)}: blocks
	 * until bound, and refuses to run on an event loop.
	 * @param address the address to bind
	 * @param port the port, 0 for any
	 * @return whether the listener now listens; if not, {@link #serverError()} says why
	 */
	public boolean listen(InetAddress address, int port) {
		EventLoops.assertBlockingAllowed(server().kind().displayName() + " server listen()");
		synchronized (this.monitor) {
			DisposableServer current = this.bound;
			if (current != null) {
				setError(SocketError.OPERATION, "The server is already listening on "
						+ Addresses.describe(((InetSocketAddress) current.address()).getAddress(), current.port()));
				return false;
			}
			DisposableServer server;
			try {
				server = this.owner.bind(this, new InetSocketAddress(address, port), this.listenBacklogSize,
						this.gate::offer);
			}
			catch (RuntimeException ex) {
				SocketError failure = SocketErrors.classify(ex);
				String description = failure.description() + " (" + Addresses.describe(address, port) + ")";
				setError(failure, description);
				logger.debug(description() + " could not listen: " + description, ex);
				this.owner.listenFailed(this);
				this.owner.signals().acceptError(this, failure, description);
				return false;
			}
			server.channel().pipeline().addFirst("qtserver.acceptErrors", new AcceptErrorHandler(this::acceptFailed));
			this.bound = server;
			this.gate.attach(server.channel());
			setError(SocketError.UNKNOWN_SOCKET_ERROR, "");
			this.owner.listening(this, (InetSocketAddress) server.address());
			return true;
		}
	}

	/**
	 * Stop listening. Connections already accepted stay open; connections parked at the
	 * gate are dropped, as if the backlog had been. Does nothing when not listening.
	 */
	public void close() {
		synchronized (this.monitor) {
			DisposableServer server = this.bound;
			if (server == null) {
				return;
			}
			this.bound = null;
			this.gate.detach();
			server.dispose();
			if (!Schedulers.isInNonBlockingThread()) {
				server.onDispose().block(CLOSE_TIMEOUT);
			}
		}
		this.owner.closed(this);
	}

	/**
	 * Return whether the listener is bound.
	 * @return whether listening
	 */
	public boolean isListening() {
		return this.bound != null;
	}

	/**
	 * Return the bound address.
	 * @return the address, or {@code null} when not listening
	 */
	public @Nullable InetAddress serverAddress() {
		DisposableServer server = this.bound;
		return (server != null) ? ((InetSocketAddress) server.address()).getAddress() : null;
	}

	/**
	 * Return the bound port; with port 0 this is the port the system chose.
	 * @return the port, or 0 when not listening
	 */
	public int serverPort() {
		DisposableServer server = this.bound;
		return (server != null) ? server.port() : 0;
	}

	/**
	 * Stop accepting new connections on this socket while staying bound.
	 */
	public void pauseAccepting() {
		this.gate.pause();
	}

	/**
	 * Accept new connections again after {@link #pauseAccepting()}.
	 */
	public void resumeAccepting() {
		this.gate.resume();
	}

	/**
	 * Return whether accepting is paused by {@link #pauseAccepting()}.
	 * @return whether accepting is paused
	 */
	public boolean isAcceptingPaused() {
		return this.gate.isPaused();
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
	 * @param listenBacklogSize the backlog size, at least 1
	 */
	public void setListenBacklogSize(int listenBacklogSize) {
		InvalidSettingException.check(listenBacklogSize > 0, "listenBacklogSize", listenBacklogSize,
				"must be positive");
		this.listenBacklogSize = listenBacklogSize;
	}

	/**
	 * Return the last error of this listener.
	 * @return the error, {@link SocketError#UNKNOWN_SOCKET_ERROR} when none
	 */
	public SocketError serverError() {
		return this.error;
	}

	/**
	 * Return the last error's description.
	 * @return the description, empty when none
	 */
	public String errorString() {
		return this.errorString;
	}

	/**
	 * Look again at the room the server has, admitting parked connections.
	 */
	void refresh() {
		this.gate.refresh();
	}

	@Override
	public String toString() {
		return "ServerListener[" + server().name() + "#" + this.index + "]";
	}

	/**
	 * Describe the listener for messages: the server, and the listener's index when the
	 * server has several.
	 * @return such as {@code TCP server 'echo'} or {@code HTTP server 'api' (listener 1)}
	 */
	public String description() {
		QtServer server = server();
		return server.kind().displayName() + " server '" + server.name() + "'"
				+ ((server.listeners().size() > 1) ? " (listener " + this.index + ")" : "");
	}

	private void setError(SocketError error, String errorString) {
		this.error = error;
		this.errorString = errorString;
		this.owner.errorChanged(error, errorString);
	}

	private void acceptFailed(Throwable ex) {
		SocketError failure = SocketErrors.classify(ex);
		String description = failure.description() + ": " + ex.getMessage();
		setError(failure, description);
		logger.warn(description() + " failed to accept a connection: " + description);
		this.owner.fromEventLoop((signals) -> signals.acceptError(this, failure, description));
		// Reactor Netty resumes accepting a second later whatever our gate says: have the
		// gate say it again
		DisposableServer server = this.bound;
		if (server != null) {
			server.channel()
				.eventLoop()
				.schedule(this.gate::refresh, ACCEPT_RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * What a listener needs from the server that owns it.
	 */
	interface Owner {

		QtServer server();

		ServerSignals signals();

		/** Bind a Reactor Netty server for this listener, blocking. */
		DisposableServer bind(ServerListener listener, InetSocketAddress address, int backlog,
				Consumer<Connection> onConnection);

		void listening(ServerListener listener, InetSocketAddress address);

		void closed(ServerListener listener);

		void listenFailed(ServerListener listener);

		void errorChanged(SocketError error, String errorString);

		/** Raise a signal from an event loop: on a worker, in order. */
		void fromEventLoop(Consumer<ServerSignals> signal);

	}

}
