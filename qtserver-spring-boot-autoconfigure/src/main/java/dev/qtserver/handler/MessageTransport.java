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
	 * Return whether {@link #decodeView(Object)} may give views of a frame's bytes
	 * instead of copies; only then does the flow handle a message at once on a view, and
	 * keep its frame for as long as the call's reply may use it. By default it does not.
	 * @return whether payloads may be views of their frames
	 */
	default boolean viewsFrames() {
		return false;
	}

	/**
	 * Turn an inbound frame into the payload of a call that runs at once, on the event
	 * loop, while the frame is valid. Unlike {@link #decode(Object)}, the payload may be
	 * a view of the frame's bytes: it is valid until {@link #endView(Object)}, which the
	 * flow calls before the frame is released. By default a copy, as {@code decode}.
	 * @param frame the inbound frame
	 * @return the payload, or {@code null} to skip the frame (the transport dealt with
	 * it)
	 */
	default @Nullable Object decodeView(Object frame) {
		return decode(frame);
	}

	/**
	 * Write a reply that is the very payload {@link #decodeView(Object)} gave for a
	 * frame, without flushing: when the view, as it is now, still covers the frame's
	 * whole payload and the frame is framed as that reply would be, the frame itself goes
	 * out (not copied); otherwise the reply is written as {@link #write(Object)} writes
	 * it. By default always the latter.
	 * @param view the payload, returned by the handler
	 * @param frame the frame it views, still valid
	 * @param giveReference whether the caller's reference to the frame goes with it (else
	 * the write takes one of its own)
	 * @return whether the frame itself was written; the flow writes a frame so only once
	 */
	default boolean writeView(Object view, Object frame, boolean giveReference) {
		write(view);
		return false;
	}

	/**
	 * Return whether the flow may take frames straight from the connection's pipeline,
	 * ahead of Reactor Netty's inbound stream, when it can handle them at once: whether
	 * the messages that reach that stream are this transport's frames as they are, with
	 * nothing for Reactor Netty's connection to do on the way. By default not.
	 * @return whether frames may be taken from the pipeline
	 */
	default boolean takesFramesFromPipeline() {
		return false;
	}

	/**
	 * The frame a payload of {@link #decodeView(Object)} views is about to be released:
	 * leave the view empty, so that a handler that kept it finds nothing rather than
	 * bytes of another message. By default nothing (copies stay valid).
	 * @param view the payload
	 */
	default void endView(Object view) {
	}

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
	default void received() {
		received(1);
	}

	/**
	 * Count messages received.
	 * @param messages how many
	 */
	void received(int messages);

}
