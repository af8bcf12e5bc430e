package dev.qtserver.sample;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

/**
 * The TCP server {@code tls-echo}: the echo of {@link EchoHandler} over TLS. The handler
 * is the same as for a plain server; the server's {@code ssl.bundle} is all that makes it
 * secure, and it sees only the decrypted lines.
 */
@QtHandler(server = "tls-echo")
class TlsEchoHandler {

	@OnMessage
	String echo(String line) {
		return line;
	}

}
