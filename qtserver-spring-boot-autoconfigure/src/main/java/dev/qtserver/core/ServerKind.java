package dev.qtserver.core;

/**
 * The kinds of Qt-style server; each has its own map of servers under {@code qtserver.*}.
 */
public enum ServerKind {

	/** A raw TCP server, after {@code QTcpServer}. */
	TCP("tcp");

	private final String id;

	ServerKind(String id) {
		this.id = id;
	}

	/**
	 * Return the kind's identifier, as used in property names and metric tags.
	 * @return the identifier, such as {@code tcp}
	 */
	public String id() {
		return this.id;
	}

}
