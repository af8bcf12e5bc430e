package dev.qtserver.test;

import java.io.IOException;
import java.util.List;

/**
 * A real client of one server kind, speaking its framing, for the contract tests run
 * against every kind.
 */
public interface MessageClient extends AutoCloseable {

	/**
	 * Send text messages, pipelined.
	 * @param messages the messages
	 * @throws IOException when writing fails
	 */
	void sendAll(List<String> messages) throws IOException;

	/**
	 * Receive one text message.
	 * @return the message
	 * @throws IOException when none comes in time
	 */
	String receive() throws IOException;

	/**
	 * Close the connection with a reset (SO_LINGER 0): the server sees it reset, with no
	 * goodbye of the protocol.
	 * @throws IOException when closing fails
	 */
	void reset() throws IOException;

	/**
	 * Close the connection.
	 * @throws IOException when closing fails
	 */
	@Override
	void close() throws IOException;

}
