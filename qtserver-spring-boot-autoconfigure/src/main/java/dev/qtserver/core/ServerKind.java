package dev.qtserver.core;

/**
 * The kinds of Qt-style server; each has its own map of servers under {@code qtserver.*}.
 */
public enum ServerKind {

	/** A raw TCP server, after {@code QTcpServer}. */
	TCP("tcp", "TCP", true),

	/** A WebSocket server, after {@code QWebSocketServer}. */
	WEBSOCKET("websocket", "WebSocket", false),

	/**
	 * An HTTP server, after {@code QAbstractHttpServer}: its connections are served at
	 * once, only upgraded WebSocket sessions wait to be taken.
	 */
	HTTP("http", "HTTP", false);

	private final String id;

	private final String displayName;

	private final boolean pausesAcceptingWhenPendingFull;

	ServerKind(String id, String displayName, boolean pausesAcceptingWhenPendingFull) {
		this.id = id;
		this.displayName = displayName;
		this.pausesAcceptingWhenPendingFull = pausesAcceptingWhenPendingFull;
	}

	/**
	 * Return whether a full pending queue stops the server accepting, as Qt's
	 * {@code QTcpServer} does (the rest wait in the backlog); otherwise the kind refuses
	 * the connection in its own protocol, as {@code QWebSocketServer} fails the
	 * handshake.
	 * @return whether the listeners pause while the pending queue is full
	 */
	public boolean pausesAcceptingWhenPendingFull() {
		return this.pausesAcceptingWhenPendingFull;
	}

	/**
	 * Return the kind's name for messages, such as {@code WebSocket}.
	 * @return the display name
	 */
	public String displayName() {
		return this.displayName;
	}

	/**
	 * Return the kind's identifier, as used in property names and metric tags.
	 * @return the identifier, such as {@code tcp}
	 */
	public String id() {
		return this.id;
	}

}
