package dev.qtserver.sample.bench;

import java.nio.ByteBuffer;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

import org.springframework.context.annotation.Profile;

/**
 * The benchmark's server {@code bytes-echo}: each line back as the bytes it came as, on
 * the event loop. The payload is a view of the received frame and, returned as it is, the
 * frame goes back without a copy: the starter's path to raw Reactor Netty's zero-copy
 * echo.
 */
@Profile("bench")
@NonBlocking
@QtHandler(server = "bytes-echo")
class BytesEchoHandler {

	@OnMessage
	ByteBuffer echo(ByteBuffer line) {
		return line;
	}

}
