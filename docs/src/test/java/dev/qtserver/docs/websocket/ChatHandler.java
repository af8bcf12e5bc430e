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

	@OnMessage
	void message(QWebSocket from, String text) { // String = text messages; byte[]/ByteBuffer = binary
		this.chat.broadcast(text);
	}

}
