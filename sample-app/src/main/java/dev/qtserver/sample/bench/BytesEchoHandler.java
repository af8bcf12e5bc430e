package dev.qtserver.sample.bench;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

import org.springframework.context.annotation.Profile;

/**
 * The benchmark's server {@code bytes-echo}: each line back as the bytes it came as, with
 * no text decoding, on the event loop.
 */
@Profile("bench")
@NonBlocking
@QtHandler(server = "bytes-echo")
class BytesEchoHandler {

	@OnMessage
	byte[] echo(byte[] line) {
		return line;
	}

}
