package dev.qtserver.sample;

import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.QWebSocketServer;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The WebSocket server {@code secure-chat}: the chat of {@link ChatHandler} over
 * {@code wss}, a room of its own. Only the server's {@code ssl.bundle} differs.
 */
@QtHandler(server = "secure-chat")
class SecureChatHandler extends ChatHandler {

	SecureChatHandler(@Qualifier("secure-chatWebSocketServer") QWebSocketServer secureChatServer) {
		super(secureChatServer);
	}

}
