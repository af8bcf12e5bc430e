package dev.qtserver.sample;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

/**
 * The TCP server {@code fast-echo}: the same echo as {@link EchoHandler}, declared
 * {@link NonBlocking} because it never waits for anything, so it runs on the event loop
 * and skips the hand-off to a worker thread. Only do this for code that cannot block.
 */
@QtHandler(server = "fast-echo")
@NonBlocking
class FastEchoHandler {

	@OnMessage
	String echo(String line) {
		return line;
	}

}
