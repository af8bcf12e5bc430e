package dev.qtserver.sample;

import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The WebSocket server {@code chat}: every text message goes to every session.
 */
@QtHandler(server = "chat")
class ChatHandler {

	private final QWebSocketServer chatServer;

	ChatHandler(@Qualifier("chatWebSocketServer") QWebSocketServer chatServer) {
		this.chatServer = chatServer;
	}

	@OnConnect
	void joined(QWebSocket session) {
		session.send("welcome to " + this.chatServer.serverName() + " (" + session.subprotocol() + ")");
	}

	@OnMessage
	void message(String text) {
		this.chatServer.broadcast(text);
	}

}
