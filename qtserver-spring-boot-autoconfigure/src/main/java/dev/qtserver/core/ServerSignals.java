package dev.qtserver.core;

import java.net.InetSocketAddress;

/**
 * The signals a server raises, as Qt's: its listening side and its connections report
 * here, and the application side turns each into its Spring application event
 * ({@code dev.qtserver.event.ApplicationEventSignals}). The core owns this interface so
 * that it never depends on the event classes, which depend on it.
 */
public interface ServerSignals {

	/**
	 * One of the server's listeners listens.
	 * @param listener the listener
	 * @param address the address and port it bound
	 */
	void listening(ServerListener listener, InetSocketAddress address);

	/**
	 * Binding or accepting failed on one of the server's listeners.
	 * @param listener the listener
	 * @param error what went wrong
	 * @param description the error string
	 */
	void acceptError(ServerListener listener, SocketError error, String description);

	/**
	 * The server stopped listening: its last listening socket closed.
	 */
	void closed();

	/**
	 * A connection waits to be taken with {@code nextPendingConnection()}.
	 * @param connection the connection
	 */
	void pendingConnectionAvailable(QtConnection connection);

	/**
	 * A connection was accepted.
	 * @param connection the connection
	 */
	void newConnection(QtConnection connection);

	/**
	 * A connection failed.
	 * @param connection the connection
	 * @param error what went wrong
	 */
	void connectionError(QtConnection connection, Throwable error);

	/**
	 * A connection closed.
	 * @param connection the connection
	 * @param reason why it closed
	 */
	void connectionClosed(QtConnection connection, CloseReason reason);

	/**
	 * Publish an event of the server's own kind, such as a WebSocket server error.
	 * @param event the event
	 */
	void publish(Object event);

}
