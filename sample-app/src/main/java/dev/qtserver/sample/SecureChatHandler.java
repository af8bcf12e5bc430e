package dev.qtserver.sample;

import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The WebSocket server {@code secure-chat}: the chat of {@link ChatHandler} over
 * {@code wss}, a room of its own. Only the server's {@code ssl.bundle} differs.
 */
@QtHandler(server = "secure-chat")
class SecureChatHandler {

	private final QWebSocketServer secureChatServer;

	SecureChatHandler(@Qualifier("secure-chatWebSocketServer") QWebSocketServer secureChatServer) {
		this.secureChatServer = secureChatServer;
	}

	@OnConnect
	void joined(QWebSocket session) {
		String subprotocol = session.subprotocol();
		String agreed = (subprotocol != null) ? " (" + subprotocol + ")" : "";
		session.send("welcome to " + this.secureChatServer.serverName() + agreed);
	}

	@OnMessage
	void message(String text) {
		this.secureChatServer.broadcast(text);
	}

}
