package dev.qtserver.sample;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

/**
 * The WebSocket server {@code ws-echo}: every text message comes back to its sender. It
 * never blocks, so it runs on the event loop ({@link NonBlocking}).
 */
@QtHandler(server = "ws-echo")
@NonBlocking
class WebSocketEchoHandler {

	@OnMessage
	String echo(String text) {
		return text;
	}

}
