package dev.qtserver.handler;

import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The frame that the payload of a message handled at once on the event loop views
 * ({@link MessageTransport#decodeView(Object)}), from the call until the end of its
 * reply. The frame is valid during the call; a reply that outlives the call
 * ({@code Mono}, {@code CompletionStage}) keeps it until the reply ends. A reply that is
 * the view itself goes back as the frame when the transport can, once.
 *
 * <p>
 * References. A frame delivered by the inbound stream is the stream's: it releases it
 * once the call returns, so a reply that outlives the call takes a reference of its own,
 * and so does the frame going back as the reply. A frame the flow took from the pipeline
 * itself ({@link #open(Object, boolean) owned}) brings its reference along: the view
 * holds it, the reply that outlives the call keeps it, and a frame going back as the
 * reply within the call is given that reference rather than another; either way the view
 * lets go of what it still holds when it closes. Raw Reactor Netty's zero-copy echo
 * retains each frame for its write and releases it after delivery: two atomic operations
 * per message that an owned frame written back does without.
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

	/** Whether the view holds a reference to the frame, released when it closes. */
	private boolean holdsReference;

	/** Whether a reply that outlives the call keeps the view open. */
	private boolean kept;

	FrameView(MessageTransport<?> transport) {
		this.transport = transport;
	}

	/**
	 * Open a view of a frame for the call that runs now.
	 * @param frame the inbound frame, valid until the caller returns, or until the view
	 * closes when {@code owned}
	 * @param owned whether the caller hands its reference to the frame over to the view
	 * (it is released when the view closes, or given to the frame's write)
	 * @return the payload (a view, or a copy where the transport makes none), or
	 * {@code null} to skip the frame; the view is then not open, and an owned frame is
	 * still the caller's
	 */
	@Nullable Object open(Object frame, boolean owned) {
		Object payload = this.transport.decodeView(frame);
		if (payload != null) {
			this.frame = frame;
			this.view = payload;
			this.frameWritten = false;
			this.holdsReference = owned;
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
			// the view's own reference goes with the frame only while nothing else will
			// read the view: a kept view may be read (or written again) after the write
			// has gone out and released it
			boolean give = this.holdsReference && !this.kept;
			this.frameWritten = this.transport.writeView(reply, current, give);
			if (this.frameWritten && give) {
				this.holdsReference = false;
			}
		}
		else {
			this.transport.write(reply);
		}
	}

	/**
	 * Keep the open view's frame beyond the call, for a reply that may use the view
	 * later; {@link #close()} lets it go.
	 * @return whether a view is open, now kept for the reply
	 */
	boolean keep() {
		Object current = this.frame;
		if (current == null || this.kept) {
			return false;
		}
		if (!this.holdsReference) {
			ReferenceCountUtil.retain(current);
			this.holdsReference = true;
		}
		this.kept = true;
		return true;
	}

	/**
	 * Return whether the open view's frame is kept for a reply that outlives the call.
	 * @return whether kept
	 */
	boolean isKept() {
		return this.kept;
	}

	/**
	 * End the open view, if any: it is left empty, and the reference it holds to its
	 * frame, if any, released.
	 */
	void close() {
		Object current = this.frame;
		Object payload = this.view;
		if (current == null || payload == null) {
			return;
		}
		this.frame = null;
		this.view = null;
		this.kept = false;
		this.transport.endView(payload);
		if (this.holdsReference) {
			this.holdsReference = false;
			ReferenceCountUtil.release(current);
		}
	}

}
