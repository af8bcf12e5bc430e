package dev.qtserver.sample;

import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpSocket;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The TCP server {@code echo}: every line a client sends comes back.
 */
@QtHandler(server = "echo")
class EchoHandler {

	private static final Log logger = LogFactory.getLog(EchoHandler.class);

	@OnConnect
	void connected(QTcpSocket socket) {
		logger.debug("Connected: " + socket);
	}

	@OnMessage
	String echo(String line) {
		return line;
	}

	@OnDisconnect
	void disconnected(QTcpSocket socket) {
		logger.debug("Disconnected: " + socket);
	}

}
