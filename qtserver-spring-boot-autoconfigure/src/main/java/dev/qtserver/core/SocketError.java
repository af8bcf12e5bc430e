package dev.qtserver.core;

/**
 * The kinds of socket error, after Qt's {@code QAbstractSocket::SocketError}. Each
 * constant keeps Qt's numeric value so that logs and metrics line up with Qt
 * applications.
 */
public enum SocketError {

	/** {@code ConnectionRefusedError}: the peer refused the connection. */
	CONNECTION_REFUSED(0, "Connection refused"),
	/** {@code RemoteHostClosedError}: the remote host closed the connection. */
	REMOTE_HOST_CLOSED(1, "The remote host closed the connection"),
	/** {@code HostNotFoundError}: the host address was not found. */
	HOST_NOT_FOUND(2, "Host not found"),
	/** {@code SocketAccessError}: the operation lacked the required privileges. */
	SOCKET_ACCESS(3, "The address is protected"),
	/**
	 * {@code SocketResourceError}: the system ran out of a resource, such as file
	 * descriptors.
	 */
	SOCKET_RESOURCE(4, "Out of resources"),
	/** {@code SocketTimeoutError}: the operation timed out. */
	SOCKET_TIMEOUT(5, "Socket operation timed out"),
	/**
	 * {@code DatagramTooLargeError}: a datagram was larger than the operating system's
	 * limit.
	 */
	DATAGRAM_TOO_LARGE(6, "Datagram was too large to send"),
	/** {@code NetworkError}: an error occurred with the network. */
	NETWORK(7, "Network error"),
	/**
	 * {@code AddressInUseError}: the address given to {@code listen()} is already in use.
	 */
	ADDRESS_IN_USE(8, "The bound address is already in use"),
	/**
	 * {@code SocketAddressNotAvailableError}: the address does not belong to this host.
	 */
	SOCKET_ADDRESS_NOT_AVAILABLE(9, "The address is not available"),
	/**
	 * {@code UnsupportedSocketOperationError}: the operation is not supported by the
	 * system.
	 */
	UNSUPPORTED_SOCKET_OPERATION(10, "Unsupported socket operation"),
	/**
	 * {@code UnfinishedSocketOperationError}: the last operation has not finished yet.
	 */
	UNFINISHED_SOCKET_OPERATION(11, "Unfinished socket operation"),
	/** {@code ProxyAuthenticationRequiredError}: the proxy requires authentication. */
	PROXY_AUTHENTICATION_REQUIRED(12, "Proxy requires authentication"),
	/** {@code SslHandshakeFailedError}: the TLS handshake failed. */
	SSL_HANDSHAKE_FAILED(13, "TLS handshake failed"),
	/** {@code ProxyConnectionRefusedError}: the proxy refused the connection. */
	PROXY_CONNECTION_REFUSED(14, "Proxy connection refused"),
	/**
	 * {@code ProxyConnectionClosedError}: the proxy closed the connection unexpectedly.
	 */
	PROXY_CONNECTION_CLOSED(15, "Proxy connection closed prematurely"),
	/** {@code ProxyConnectionTimeoutError}: the proxy did not answer in time. */
	PROXY_CONNECTION_TIMEOUT(16, "Proxy connection timed out"),
	/** {@code ProxyNotFoundError}: the proxy host was not found. */
	PROXY_NOT_FOUND(17, "Proxy not found"),
	/**
	 * {@code ProxyProtocolError}: the proxy answered with something that could not be
	 * understood.
	 */
	PROXY_PROTOCOL(18, "Proxy protocol error"),
	/**
	 * {@code OperationError}: the operation is not allowed in the socket's current state.
	 */
	OPERATION(19, "Operation not permitted in the current state"),
	/** {@code SslInternalError}: the TLS library reported an internal error. */
	SSL_INTERNAL(20, "TLS internal error"),
	/**
	 * {@code SslInvalidUserDataError}: invalid TLS data, such as a bad certificate, was
	 * given.
	 */
	SSL_INVALID_USER_DATA(21, "Invalid TLS data"),
	/** {@code TemporaryError}: a transient error; the operation may be retried. */
	TEMPORARY(22, "Temporary error"),
	/** {@code UnknownSocketError}: no error, or one that is not listed here. */
	UNKNOWN_SOCKET_ERROR(-1, "Unknown error");

	private final int qtValue;

	private final String description;

	SocketError(int qtValue, String description) {
		this.qtValue = qtValue;
		this.description = description;
	}

	/**
	 * Return the numeric value Qt gives this error.
	 * @return Qt's value of {@code QAbstractSocket::SocketError}
	 */
	public int qtValue() {
		return this.qtValue;
	}

	/**
	 * Return a short human-readable description, used as the default error string.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

}
