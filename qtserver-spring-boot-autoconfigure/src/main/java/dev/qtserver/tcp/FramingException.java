package dev.qtserver.tcp;

/**
 * A peer broke the server's framing: the server closes that connection (others are not
 * affected), records the error (event and metric) and hands the exception to whoever
 * reads the connection.
 *
 * @see FrameTooLongException
 * @see MalformedFrameException
 */
public abstract class FramingException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what was wrong
	 * @param cause the decoder's own exception
	 */
	protected FramingException(String message, Throwable cause) {
		super(message, cause);
	}

}
