package dev.qtserver.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.HandlerPlacementContractTests;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a {@link QWebSocketServer}'s handler methods run, over real loopback sockets.
 */
class WebSocketHandlerPlacementTests extends HandlerPlacementContractTests {

	@Override
	protected QtServer newServer(WorkerPool workers) {
		return new QWebSocketServer("placement",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, workers.executor(), List.of());
	}

	@Override
	protected Client openClient(QtServer server) throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(server.serverPort());
		assertThat(client.handshake("/").status()).isEqualTo(101);
		return new Client() {

			@Override
			public void sendAll(List<String> messages) throws IOException {
				// pipelined: every frame in one write
				ByteArrayOutputStream frames = new ByteArrayOutputStream();
				for (String message : messages) {
					frames.writeBytes(RawWebSocketClient.frame(true, RawWebSocketClient.TEXT,
							message.getBytes(StandardCharsets.UTF_8), true));
				}
				client.sendRaw(frames.toByteArray());
			}

			@Override
			public String receive() throws IOException {
				return client.readText();
			}

			@Override
			public void close() throws IOException {
				client.close();
			}

		};
	}

}
