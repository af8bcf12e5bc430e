package dev.qtserver.websocket;

import dev.qtserver.test.HandlerPlacementContractTests;

/**
 * Where a {@link QWebSocketServer}'s handler methods run, over real loopback sockets.
 */
class WebSocketHandlerPlacementTests extends HandlerPlacementContractTests {

	WebSocketHandlerPlacementTests() {
		super(new WebSocketServerKind());
	}

}
