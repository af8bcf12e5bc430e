package dev.qtserver.docs.websocket;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

@QtHandler(server = "chat")
class ChatHandler {

	private final QWebSocketServer chat;

	ChatHandler(@Qualifier("chatWebSocketServer") QWebSocketServer chat) {
		this.chat = chat;
	}

	// String = text messages; byte[] or ByteBuffer = binary messages
	@OnMessage
	void message(QWebSocket from, String text) {
		this.chat.broadcast(text);
	}

}
