package dev.qtserver.websocket;

import dev.qtserver.core.QtServer;
import dev.qtserver.event.QtServerEvent;

/**
 * Published when a WebSocket server rejects a handshake or a session: Qt's
 * {@code QWebSocketServer::serverError(QWebSocketProtocol::CloseCode)} signal. For
 * example {@link CloseCode#ABNORMAL_DISCONNECTION} when the pending queue is full,
 * {@link CloseCode#POLICY_VIOLATED} for a denied origin, {@link CloseCode#TOO_MUCH_DATA}
 * for an oversized handshake.
 */
public class WebSocketServerErrorEvent extends QtServerEvent {

	private final CloseCode error;

	private final String errorString;

	/**
	 * Create an event.
	 * @param server the server
	 * @param error the close code that says what went wrong
	 * @param errorString a human-readable description
	 */
	public WebSocketServerErrorEvent(QtServer server, CloseCode error, String errorString) {
		super(server);
		this.error = error;
		this.errorString = errorString;
	}

	/**
	 * Return the close code that says what went wrong.
	 * @return the close code
	 */
	public CloseCode getError() {
		return this.error;
	}

	/**
	 * Return a human-readable description.
	 * @return the description
	 */
	public String getErrorString() {
		return this.errorString;
	}

}
