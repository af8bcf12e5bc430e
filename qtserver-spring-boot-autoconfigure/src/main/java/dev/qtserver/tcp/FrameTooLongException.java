package dev.qtserver.tcp;

/**
 * Thrown (and reported on the connection) when a peer sends a frame longer than the
 * server's {@code max-frame-length}. The server closes that connection; others are not
 * affected.
 */
public class FrameTooLongException extends FramingException {

	private static final long serialVersionUID = 1L;

	private final int maxFrameLength;

	/**
	 * Create an exception.
	 * @param maxFrameLength the limit that was exceeded, in bytes
	 * @param cause the decoder's own exception
	 */
	public FrameTooLongException(int maxFrameLength, Throwable cause) {
		super("Frame exceeds the maximum length of " + maxFrameLength + " bytes", cause);
		this.maxFrameLength = maxFrameLength;
	}

	/**
	 * Return the limit that was exceeded.
	 * @return the maximum frame length, in bytes
	 */
	public int getMaxFrameLength() {
		return this.maxFrameLength;
	}

}
