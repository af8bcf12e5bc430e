package dev.qtserver.tcp;

import dev.qtserver.test.ReplyAtCloseContractTests;

/**
 * Replies still to come when a {@link QTcpServer}'s connection ends, over real loopback
 * sockets.
 */
class TcpReplyAtCloseTests extends ReplyAtCloseContractTests {

	TcpReplyAtCloseTests() {
		super(new TcpServerKind());
	}

}
