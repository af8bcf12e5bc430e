package dev.qtserver.tcp;

/**
 * Thrown (and reported on the connection) when a peer sends a frame that the server's
 * framing cannot decode, such as a negative length in an 8-byte length field. The server
 * closes that connection; others are not affected.
 */
public class MalformedFrameException extends FramingException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param cause the decoder's own exception
	 */
	public MalformedFrameException(Throwable cause) {
		super("Malformed frame: " + cause.getMessage(), cause);
	}

}
