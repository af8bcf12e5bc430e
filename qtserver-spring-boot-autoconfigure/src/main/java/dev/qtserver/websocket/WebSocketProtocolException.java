package dev.qtserver.websocket;

import org.jspecify.annotations.Nullable;

/**
 * A session broke the WebSocket protocol (a frame or message too big, invalid UTF-8, an
 * unmasked frame...): reported on the session, which the server closes with
 * {@link #getCloseCode()}.
 */
public class WebSocketProtocolException extends RuntimeException {

	private final CloseCode closeCode;

	/**
	 * Create an exception.
	 * @param closeCode the close code the session is closed with
	 * @param message what happened
	 * @param cause the codec's own exception, if any
	 */
	public WebSocketProtocolException(CloseCode closeCode, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.closeCode = closeCode;
	}

	/**
	 * Return the close code the session is closed with.
	 * @return the close code
	 */
	public CloseCode getCloseCode() {
		return this.closeCode;
	}

}
