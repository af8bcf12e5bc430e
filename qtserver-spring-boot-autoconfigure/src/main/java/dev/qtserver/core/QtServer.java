package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What every Qt-style server offers, whatever its protocol: the listening side of Qt's
 * {@code QTcpServer}, {@code QWebSocketServer} and {@code QAbstractHttpServer}.
 *
 * <p>
 * Methods that bind or wait ({@link #listen()}, {@link #listen(InetAddress, int)}) block
 * the calling thread briefly and refuse to run on a Netty event loop.
 */
public interface QtServer {

	/**
	 * Return the server's name, the key under {@code qtserver.<kind>} that declared it.
	 * @return the server name
	 */
	String name();

	/**
	 * Return the kind of server, as used in property names and metric tags.
	 * @return the server kind
	 */
	ServerKind kind();

	/**
	 * Return the server's listening sockets, in order: one for TCP and WebSocket servers,
	 * one per bound address for an HTTP server (Qt's
	 * {@code QAbstractHttpServer::servers()}).
	 * @return the listeners, never empty
	 */
	List<ServerListener> listeners();

	/**
	 * Return the ports the server listens on, one per listening listener, as Qt's
	 * {@code QAbstractHttpServer::serverPorts()}.
	 * @return the bound ports, in listener order; empty when not listening
	 */
	List<Integer> serverPorts();

	/**
	 * Start listening on the configured address and port.
	 * @return {@code true} once listening; {@code false} with {@link #serverError()} and
	 * {@link #errorString()} saying why not
	 */
	boolean listen();

	/**
	 * Start listening on the given address and port, as Qt's
	 * {@code listen(address, port)}.
	 * @param address the address to bind, such as the wildcard address or loopback
	 * @param port the port to bind; 0 lets the operating system choose
	 * @return {@code true} once listening; {@code false} with {@link #serverError()} and
	 * {@link #errorString()} saying why not
	 */
	boolean listen(InetAddress address, int port);

	/**
	 * Return the address and port that {@link #listen()} binds.
	 * @return the configured address; port 0 means any free port
	 */
	InetSocketAddress configuredAddress();

	/**
	 * Stop listening. Connections already taken by the application (or bound to a
	 * handler) stay open; connections still waiting in the pending queue are closed, as
	 * Qt does.
	 */
	void close();

	/**
	 * Return where the server stands: not started, listening, paused, closed, or failed
	 * to listen.
	 * @return the state
	 */
	ServerState state();

	/**
	 * Return whether the server is listening.
	 * @return whether the server is listening
	 */
	boolean isListening();

	/**
	 * Return the address the server listens on.
	 * @return the bound address, or {@code null} when not listening
	 */
	@Nullable InetAddress serverAddress();

	/**
	 * Return the port the server listens on; with port 0 this is the port the system
	 * chose.
	 * @return the bound port, or 0 when not listening
	 */
	int serverPort();

	/**
	 * Stop accepting new connections while staying bound; they wait in the operating
	 * system's backlog. Connections already pending stay pending.
	 */
	void pauseAccepting();

	/**
	 * Accept new connections again after {@link #pauseAccepting()}.
	 */
	void resumeAccepting();

	/**
	 * Return whether accepting is paused by {@link #pauseAccepting()}.
	 * @return whether accepting is paused
	 */
	boolean isAcceptingPaused();

	/**
	 * Return the maximum number of accepted connections that may wait to be taken.
	 * @return the maximum number of pending connections
	 */
	int maxPendingConnections();

	/**
	 * Set the maximum number of accepted connections that may wait to be taken.
	 * @param maxPendingConnections the new maximum, at least 1
	 */
	void setMaxPendingConnections(int maxPendingConnections);

	/**
	 * Return whether accepted connections wait to be taken by the application.
	 * @return whether there are pending connections
	 */
	boolean hasPendingConnections();

	/**
	 * Return how many accepted connections wait to be taken by the application.
	 * @return the number of pending connections
	 */
	int pendingConnectionCount();

	/**
	 * Return how many connections are open, pending ones included.
	 * @return the number of open connections
	 */
	int connectionCount();

	/**
	 * Look up an open connection, pending or taken.
	 * @param id the connection id
	 * @return the connection, if it is open
	 */
	Optional<? extends QtConnection> connection(long id);

	/**
	 * Return the last error, or {@link SocketError#UNKNOWN_SOCKET_ERROR} when there was
	 * none.
	 * @return the last error
	 */
	SocketError serverError();

	/**
	 * Return a human-readable description of the last error.
	 * @return the last error's description, empty when there was none
	 */
	String errorString();

	/**
	 * Return whether the server listens as soon as the application context is ready.
	 * @return whether the server starts with the context
	 */
	boolean isAutoStartup();

	/**
	 * Return the server's running totals.
	 * @return the statistics
	 */
	ServerStatistics statistics();

	/**
	 * Bind a {@link dev.qtserver.handler.QtHandler @QtHandler} bean to this server, its
	 * methods placed by {@link HandlerExecution#AUTO the default rule}.
	 * @param handler the handler bean
	 * @param handlerName the bean name, used in error messages
	 * @throws dev.qtserver.handler.InvalidHandlerException when the bean is not a valid
	 * handler for this kind of server
	 */
	default void bindHandler(Object handler, String handlerName) {
		bindHandler(handler, handlerName, HandlerExecution.AUTO);
	}

	/**
	 * Bind a {@link dev.qtserver.handler.QtHandler @QtHandler} bean to this server: new
	 * connections (or, for an HTTP server, requests) go to it instead of the pending
	 * queue.
	 * @param handler the handler bean
	 * @param handlerName the bean name, used in error messages
	 * @param execution where its methods run unless they say otherwise
	 * @throws dev.qtserver.handler.InvalidHandlerException when the bean is not a valid
	 * handler for this kind of server
	 */
	void bindHandler(Object handler, String handlerName, HandlerExecution execution);

	/**
	 * Observe the calls of this server's handler methods from now on; connections opened
	 * before may go on unobserved. The starter's observation support calls it when the
	 * application has an {@code ObservationRegistry}.
	 * @param observer the observer
	 */
	void observeHandlerCalls(HandlerCallObserver observer);

	/**
	 * Return what observes the calls of this server's handler methods.
	 * @return the observer, or {@code null} when calls are not observed
	 */
	@Nullable HandlerCallObserver handlerCallObserver();

	/**
	 * Return whether several handler beans may be bound to this server, asked in order
	 * (HTTP handlers); otherwise a server takes one.
	 * @return whether the server takes several handlers
	 */
	default boolean takesSeveralHandlers() {
		return false;
	}

	/**
	 * Stop listening and close every connection, letting messages already received finish
	 * within the given time.
	 * @param timeout how long to wait for connections to close before cutting them
	 * @throws IllegalStateException when called on an event loop: it waits
	 */
	void shutdown(Duration timeout);

}
