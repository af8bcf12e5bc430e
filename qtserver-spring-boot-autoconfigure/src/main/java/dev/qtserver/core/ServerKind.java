package dev.qtserver.core;

/**
 * The kinds of Qt-style server; each has its own map of servers under {@code qtserver.*}.
 */
public enum ServerKind {

	/** A raw TCP server, after {@code QTcpServer}. */
	TCP("tcp", "TCP"),

	/** A WebSocket server, after {@code QWebSocketServer}. */
	WEBSOCKET("websocket", "WebSocket");

	private final String id;

	private final String displayName;

	ServerKind(String id, String displayName) {
		this.id = id;
		this.displayName = displayName;
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
