package dev.qtserver.core;

import java.util.Locale;

/**
 * Why a server turned a connection away before the application saw it: the {@code reason}
 * tag of {@code qtserver.connections.rejected}. A server at {@code max-connections} or
 * {@code max-pending-connections} for plain TCP does not turn connections away: as Qt's,
 * it stops accepting until there is room.
 */
public enum RejectReason {

	/** A WebSocket handshake while the pending queue was full (503). */
	MAX_PENDING,

	/** A WebSocket handshake whose {@code Origin} was not allowed (403). */
	ORIGIN,

	/**
	 * A WebSocket handshake that was not a valid upgrade: malformed, wrong path or
	 * version, headers too large (400, 404, 431).
	 */
	BAD_HANDSHAKE,

	/** A WebSocket or TLS handshake that did not finish within its timeout. */
	HANDSHAKE_TIMEOUT,

	/**
	 * A TLS handshake that failed: not TLS, no common protocol, a refused certificate.
	 */
	TLS_FAILURE,

	/**
	 * A connection from a client address the HTTP server's {@code allowed-addresses} /
	 * {@code denied-addresses} refuse: closed at accept.
	 */
	ADDRESS,

	/**
	 * A request over the HTTP server's {@code rate-limit-per-second} for its client
	 * (429); requests, not connections: the connection stays open.
	 */
	RATE_LIMIT,

	/**
	 * An HTTP request refused before any handler saw it: malformed (400), request line
	 * too long (414), header block too large or with too many fields (431), body over
	 * {@code max-body-size} (413); requests, not connections, though the connection is
	 * closed after the answer.
	 */
	BAD_REQUEST;

	/**
	 * Return the reason as a tag value, such as {@code max_pending}.
	 * @return the tag value
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
