package dev.qtserver.docs.bytes;

import java.nio.ByteBuffer;

import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

@QtHandler(server = "echo")
@NonBlocking
class BytesEcho {

	@OnMessage
	ByteBuffer echo(ByteBuffer line) {
		return line; // the frame goes back as it came, not framed again
	}

}
