package dev.qtserver.websocket;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;
import dev.qtserver.event.ConnectionClosedEvent;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ConnectionClosedEvent} for a WebSocket session, with the close code and reason
 * of the closing handshake: Qt's {@code QWebSocket::disconnected()} with
 * {@code closeCode()} and {@code closeReason()}.
 */
public class WebSocketClosedEvent extends ConnectionClosedEvent {

	private final int closeCode;

	private final @Nullable String closeReasonText;

	/**
	 * Create an event.
	 * @param server the server that accepted the session
	 * @param connection the session
	 * @param reason why it closed, from the server's point of view
	 * @param closeCode the close code sent or received (1006 when none was)
	 * @param closeReasonText the close reason sent or received, if any
	 */
	public WebSocketClosedEvent(QtServer server, QtConnection connection, CloseReason reason, int closeCode,
			@Nullable String closeReasonText) {
		super(server, connection, reason);
		this.closeCode = closeCode;
		this.closeReasonText = closeReasonText;
	}

	/**
	 * Return the close code of the closing handshake.
	 * @return the code, 1006 when the connection closed without one
	 */
	public int getCloseCode() {
		return this.closeCode;
	}

	/**
	 * Return the close reason of the closing handshake.
	 * @return the reason, or {@code null} when none was given
	 */
	public @Nullable String getCloseReasonText() {
		return this.closeReasonText;
	}

}
