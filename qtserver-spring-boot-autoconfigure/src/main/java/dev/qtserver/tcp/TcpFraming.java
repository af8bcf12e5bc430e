package dev.qtserver.tcp;

/**
 * How a TCP server cuts the incoming byte stream into messages, and frames the replies.
 */
public enum TcpFraming {

	/** Lines ended by {@code \n} or {@code \r\n}; replies get {@code \n}. */
	LINE,

	/** Messages ended by a configured delimiter; replies get the same delimiter. */
	DELIMITER,

	/**
	 * Messages prefixed by their length in a big-endian field of 1, 2, 3, 4 or 8 bytes.
	 */
	LENGTH_FIELD,

	/**
	 * No framing: each chunk read from the socket is a message; replies are written as
	 * they are.
	 */
	RAW

}
