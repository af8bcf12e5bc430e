package dev.qtserver.sample;

import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The WebSocket server {@code chat}: every text message goes to every session. A new
 * session is welcomed with the server's name and the subprotocol it agreed, if any.
 */
@QtHandler(server = "chat")
class ChatHandler {

	private final QWebSocketServer chatServer;

	ChatHandler(@Qualifier("chatWebSocketServer") QWebSocketServer chatServer) {
		this.chatServer = chatServer;
	}

	@OnConnect
	void joined(QWebSocket session) {
		// a client may offer no subprotocol (the websockets command-line client offers
		// none): then none is agreed
		String subprotocol = session.subprotocol();
		String agreed = (subprotocol != null) ? " (" + subprotocol + ")" : "";
		session.send("welcome to " + this.chatServer.serverName() + agreed);
	}

	@OnMessage
	void message(String text) {
		this.chatServer.broadcast(text);
	}

}
