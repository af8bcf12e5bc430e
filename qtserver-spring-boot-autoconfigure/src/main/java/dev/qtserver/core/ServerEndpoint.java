package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.netty.channel.ChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The listening side every server kind shares: binding and unbinding a Reactor Netty
 * {@link TcpServer}, the {@link AcceptGate} that makes pausing and limits strict, the
 * last error, and the server-level events (listening, closed, accept error).
 */
public final class ServerEndpoint {

	private static final Log logger = LogFactory.getLog(ServerEndpoint.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration ACCEPT_RECOVERY = Duration.ofMillis(1100);

	private final QtServer server;

	private final ServerSignals signals;

	private final SerialExecutor serverEvents;

	private final AcceptGate gate;

	private final UnaryOperator<TcpServer> configurer;

	private final Object monitor = new Object();

	private volatile @Nullable DisposableServer bound;

	private volatile SocketError error = SocketError.UNKNOWN_SOCKET_ERROR;

	private volatile String errorString = "";

	/**
	 * Create an endpoint.
	 * @param server the server it listens for
	 * @param signals where server signals go
	 * @param workers where events from the event loop are published
	 * @param hasRoom whether the server can take one more connection
	 * @param admitter takes each admitted connection; called under the gate's lock
	 * @param configurer completes the Reactor Netty server before each bind (pipeline,
	 * options, customizers)
	 */
	public ServerEndpoint(QtServer server, ServerSignals signals, Executor workers, BooleanSupplier hasRoom,
			Consumer<Connection> admitter, UnaryOperator<TcpServer> configurer) {
		this.server = server;
		this.signals = signals;
		this.serverEvents = new SerialExecutor(workers);
		this.gate = new AcceptGate(hasRoom, admitter);
		this.configurer = configurer;
	}

	/**
	 * Bind, as Qt's {@code listen()}: blocks until bound, refuses to run on an event
	 * loop.
	 * @param address the address to bind
	 * @param port the port, 0 for any
	 * @param backlog the listen backlog
	 * @param bindTimeout how long to wait for the bind
	 * @return whether the server now listens; if not, {@link #serverError()} says why
	 */
	public boolean listen(InetAddress address, int port, int backlog, Duration bindTimeout) {
		EventLoops.assertBlockingAllowed(this.server.kind().displayName() + " server listen()");
		synchronized (this.monitor) {
			DisposableServer current = this.bound;
			if (current != null) {
				setError(SocketError.OPERATION, "The server is already listening on "
						+ Addresses.describe(((InetSocketAddress) current.address()).getAddress(), current.port()));
				return false;
			}
			InetSocketAddress bindAddress = new InetSocketAddress(address, port);
			DisposableServer server;
			try {
				server = this.configurer
					.apply(TcpServer.create()
						.bindAddress(() -> bindAddress)
						.option(ChannelOption.SO_BACKLOG, backlog)
						.doOnConnection(this.gate::offer))
					.bindNow(bindTimeout);
			}
			catch (RuntimeException ex) {
				SocketError failure = SocketErrors.classify(ex);
				String description = failure.description() + " (" + Addresses.describe(address, port) + ")";
				setError(failure, description);
				logger.debug(this.server.kind().displayName() + " server '" + this.server.name()
						+ "' could not listen: " + description, ex);
				this.signals.acceptError(failure, description);
				return false;
			}
			server.channel().pipeline().addFirst("qtserver.acceptErrors", new AcceptErrorHandler(this::acceptFailed));
			this.bound = server;
			this.gate.attach(server.channel());
			setError(SocketError.UNKNOWN_SOCKET_ERROR, "");
			this.signals.listening((InetSocketAddress) server.address());
			return true;
		}
	}

	/**
	 * Stop listening: unbind, drop parked connections, run {@code beforeEvent} (to drop
	 * pending ones), then publish the closed event. Does nothing when not listening.
	 * @param beforeEvent what to do once unbound
	 */
	public void close(Runnable beforeEvent) {
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
			beforeEvent.run();
			this.signals.closed();
		}
	}

	/**
	 * Raise a server signal from an event loop: on a worker, in the order raised, so a
	 * slow listener never holds up the loop.
	 * @param signal raises the signal, such as
	 * {@code (signals) -> signals.publish(event)}
	 */
	public void signalFromEventLoop(Consumer<ServerSignals> signal) {
		this.serverEvents.execute(() -> signal.accept(this.signals));
	}

	/**
	 * Return whether the endpoint is bound.
	 * @return whether listening
	 */
	public boolean isListening() {
		return this.bound != null;
	}

	/**
	 * Return the bound address.
	 * @return the address, or {@code null} when not listening
	 */
	public @Nullable InetAddress address() {
		DisposableServer server = this.bound;
		return (server != null) ? ((InetSocketAddress) server.address()).getAddress() : null;
	}

	/**
	 * Return the bound port.
	 * @return the port, or 0 when not listening
	 */
	public int port() {
		DisposableServer server = this.bound;
		return (server != null) ? server.port() : 0;
	}

	/**
	 * Return the accept gate, to pause, resume and refresh it.
	 * @return the gate
	 */
	public AcceptGate gate() {
		return this.gate;
	}

	/**
	 * Return the last error.
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

	private void setError(SocketError error, String errorString) {
		this.error = error;
		this.errorString = errorString;
	}

	private void acceptFailed(Throwable ex) {
		SocketError failure = SocketErrors.classify(ex);
		String description = failure.description() + ": " + ex.getMessage();
		setError(failure, description);
		logger.warn(this.server.kind().displayName() + " server '" + this.server.name()
				+ "' failed to accept a connection: " + description);
		signalFromEventLoop((signals) -> signals.acceptError(failure, description));
		// Reactor Netty resumes accepting a second later whatever our gate says: have the
		// gate say it again
		DisposableServer server = this.bound;
		if (server != null) {
			server.channel()
				.eventLoop()
				.schedule(this.gate::refresh, ACCEPT_RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

}
