package dev.qtserver.handler;

import dev.qtserver.core.ManagedConnection;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link AnnotatedMessageFlow} needs from one connection of a given protocol: how
 * to turn an inbound frame into a payload, and how to write replies.
 *
 * @param <C> the connection type
 */
public interface MessageTransport<C extends ManagedConnection> {

	/**
	 * Return the connection.
	 * @return the connection
	 */
	C connection();

	/**
	 * Return whether an inbound object marks the end of the peer's input.
	 * @param frame the inbound object
	 * @return whether the peer is done sending
	 */
	boolean isEndOfInput(Object frame);

	/**
	 * Turn an inbound frame into the payload the handler takes. Called on the event loop,
	 * while the frame is valid (it is released afterwards).
	 * @param frame the inbound frame
	 * @return the payload, or {@code null} to skip the frame (the transport dealt with
	 * it)
	 */
	@Nullable Object decode(Object frame);

	/**
	 * Write a reply without flushing.
	 * @param reply a payload the handler returned
	 */
	void write(Object reply);

	/**
	 * Flush what was written.
	 */
	void flush();

	/**
	 * Return whether the connection can take more writes without buffering too much.
	 * @return whether the connection is writable
	 */
	boolean isWritable();

	/**
	 * Record a connection error (metric and event).
	 * @param error what went wrong
	 */
	void failed(Throwable error);

	/**
	 * Count an exception that handler code threw (or a reply it returned failed with),
	 * for the server's handler-errors metric. A failure that is also a connection error
	 * is reported with {@link #failed(Throwable)} besides.
	 */
	void handlerThrew();

	/**
	 * Record that the inbound stream failed; by default a connection error. Transports
	 * whose protocol layer already reported the error (such as a framing violation) skip
	 * it.
	 * @param error what went wrong
	 */
	default void inboundFailed(Throwable error) {
		failed(error);
	}

	/**
	 * Count a message received.
	 */
	void received();

}
