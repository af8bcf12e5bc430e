package dev.qtserver.docs.quickstart;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

@QtHandler(server = "echo")
class EchoHandler {

	@OnMessage
	String echo(String line) {
		return line; // written back, framed as a line
	}

}
