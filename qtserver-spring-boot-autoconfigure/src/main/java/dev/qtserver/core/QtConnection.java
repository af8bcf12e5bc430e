package dev.qtserver.core;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLSession;

/**
 * What every accepted connection offers, whatever its protocol.
 */
public interface QtConnection {

	/**
	 * Return the connection's id, unique within its server for the server's lifetime.
	 * @return the connection id
	 */
	long id();

	/**
	 * Return the name of the server that accepted the connection.
	 * @return the server name
	 */
	String serverName();

	/**
	 * Return the peer's address and port.
	 * @return the remote address
	 */
	InetSocketAddress peerAddress();

	/**
	 * Return the local address and port the connection was accepted on.
	 * @return the local address
	 */
	InetSocketAddress localAddress();

	/**
	 * Return the connection's TLS session, as Qt's {@code QSslSocket::sslConfiguration()}
	 * shows it: the peer's certificate chain ({@code getPeerCertificates()}, when the
	 * listener asked for one), protocol and cipher suite.
	 * @return the session, empty for a connection over plain TCP
	 */
	Optional<SSLSession> sslSession();

	/**
	 * Return whether the connection is still open.
	 * @return whether the connection is open
	 */
	boolean isOpen();

	/**
	 * Send a text message, framed as the connection's protocol frames text (a line, a
	 * WebSocket text frame).
	 * @param text the text
	 * @return completes once written, or exceptionally if the connection closed first
	 */
	CompletableFuture<Void> send(String text);

	/**
	 * Close the connection once what was already written has been flushed.
	 */
	void close();

}
