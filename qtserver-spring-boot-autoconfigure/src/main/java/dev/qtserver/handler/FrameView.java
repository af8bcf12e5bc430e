package dev.qtserver.handler;

import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The frame that the payload of a message handled at once on the event loop views
 * ({@link MessageTransport#decodeView(Object)}), from the call until the end of its
 * reply. The frame is valid during the call (the inbound stream releases it once the call
 * returns); a reply that outlives the call ({@code Mono}, {@code CompletionStage})
 * retains it until the reply ends. A reply that is the view itself goes back as the frame
 * when the transport can, once.
 *
 * <p>
 * One per flow whose messages may be views, reused: a connection handles one message at a
 * time, and a reply that outlives its call holds the next message back until it ends.
 * Used on the event loop; a worker's replies pass through {@link #write(Object)} while no
 * view is open (the connection's serial executor orders them after the view's end), and a
 * reply whose hand-off the event loop refused, as it shuts down, closes the view from its
 * own thread.
 */
final class FrameView {

	private final MessageTransport<?> transport;

	private @Nullable Object frame;

	private @Nullable Object view;

	/** Whether the frame went out as a reply: it can only once. */
	private boolean frameWritten;

	/** Whether the frame was retained for a reply that outlives the call. */
	private boolean retained;

	FrameView(MessageTransport<?> transport) {
		this.transport = transport;
	}

	/**
	 * Open a view of a frame for the call that runs now.
	 * @param frame the inbound frame, valid until the caller returns
	 * @return the payload (a view, or a copy where the transport makes none), or
	 * {@code null} to skip the frame
	 */
	@Nullable Object open(Object frame) {
		Object payload = this.transport.decodeView(frame);
		if (payload != null) {
			this.frame = frame;
			this.view = payload;
			this.frameWritten = false;
		}
		return payload;
	}

	/**
	 * Write a reply without flushing: the frame itself when the reply is the open view
	 * and the transport can, otherwise as the transport writes any reply.
	 * @param reply the reply
	 */
	void write(Object reply) {
		Object current = this.frame;
		if (reply == this.view && current != null && !this.frameWritten) {
			this.frameWritten = this.transport.writeView(reply, current);
		}
		else {
			this.transport.write(reply);
		}
	}

	/**
	 * Keep the open view's frame beyond the call, for a reply that may use the view
	 * later; {@link #close()} releases it.
	 * @return whether a view is open, now kept for the reply
	 */
	boolean retain() {
		Object current = this.frame;
		if (current == null || this.retained) {
			return false;
		}
		ReferenceCountUtil.retain(current);
		this.retained = true;
		return true;
	}

	/**
	 * Return whether the open view's frame is kept for a reply that outlives the call.
	 * @return whether retained
	 */
	boolean isRetained() {
		return this.retained;
	}

	/**
	 * End the open view, if any: it is left empty, and its frame released if it was
	 * retained.
	 */
	void close() {
		Object current = this.frame;
		Object payload = this.view;
		if (current == null || payload == null) {
			return;
		}
		this.frame = null;
		this.view = null;
		this.transport.endView(payload);
		if (this.retained) {
			this.retained = false;
			ReferenceCountUtil.release(current);
		}
	}

}
