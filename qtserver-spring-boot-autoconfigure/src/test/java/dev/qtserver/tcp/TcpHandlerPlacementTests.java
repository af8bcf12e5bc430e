package dev.qtserver.tcp;

import dev.qtserver.test.HandlerPlacementContractTests;

/**
 * Where a {@link QTcpServer}'s handler methods run, over real loopback sockets.
 */
class TcpHandlerPlacementTests extends HandlerPlacementContractTests {

	TcpHandlerPlacementTests() {
		super(new TcpServerKind());
	}

}
