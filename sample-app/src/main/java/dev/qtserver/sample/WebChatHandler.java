package dev.qtserver.sample;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The chat of the HTTP server {@code web}: sessions upgraded on {@code /ws}, on the same
 * port as the page, get every text message any of them sends.
 */
@QtHandler(server = "web")
class WebChatHandler {

	private final QHttpServer web;

	WebChatHandler(@Qualifier("webHttpServer") QHttpServer web) {
		this.web = web;
	}

	@OnMessage
	void chat(String text) {
		QWebSocketServer sessions = this.web.webSocketServer();
		if (sessions != null) {
			sessions.broadcast(text);
		}
	}

}
