package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.MessageClient;
import dev.qtserver.test.ServerKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QWebSocketServer} for the contract tests, with {@link RawWebSocketClient}
 * clients that have opened a session on {@code /}.
 */
final class WebSocketServerKind implements ServerKind {

	@Override
	public QtServer newServer(WorkerPool workers) {
		return new QWebSocketServer("contract",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, workers.executor(), List.of());
	}

	@Override
	public MessageClient connect(QtServer server) throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(server.serverPort());
		assertThat(client.handshake("/").status()).isEqualTo(101);
		return client;
	}

}
