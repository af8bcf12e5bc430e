package dev.qtserver.websocket;

import dev.qtserver.test.ReplyAtCloseContractTests;

/**
 * Replies still to come when a {@link QWebSocketServer}'s connection ends, over real
 * loopback sockets.
 */
class WebSocketReplyAtCloseTests extends ReplyAtCloseContractTests {

	WebSocketReplyAtCloseTests() {
		super(new WebSocketServerKind());
	}

}
