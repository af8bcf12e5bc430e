package dev.qtserver.http;

import dev.qtserver.event.QtServerEvent;
import dev.qtserver.websocket.QWebSocket;

/**
 * Published when a WebSocket upgrade on an HTTP server's listeners has succeeded and the
 * session waits to be taken with {@link QHttpServer#nextPendingWebSocketConnection()}, as
 * Qt's {@code QAbstractHttpServer::newWebSocketConnection}. A session handed to a bound
 * handler is not pending, so it does not raise this event.
 */
public class NewWebSocketConnectionEvent extends QtServerEvent {

	private final QWebSocket session;

	/**
	 * Create an event.
	 * @param server the HTTP server
	 * @param session the new session
	 */
	public NewWebSocketConnectionEvent(QHttpServer server, QWebSocket session) {
		super(server);
		this.session = session;
	}

	/**
	 * Return the new session.
	 * @return the session
	 */
	public QWebSocket getSession() {
		return this.session;
	}

}
