package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.HandlerPlacementContractTests;

/**
 * Where a {@link QTcpServer}'s handler methods run, over real loopback sockets.
 */
class TcpHandlerPlacementTests extends HandlerPlacementContractTests {

	@Override
	protected QtServer newServer(WorkerPool workers) {
		return new QTcpServer("placement",
				TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, workers.executor(), List.of());
	}

	@Override
	protected Client openClient(QtServer server) throws IOException {
		TcpTestClient client = TcpTestClient.connect(server.serverPort());
		return new Client() {

			@Override
			public void sendAll(List<String> messages) throws IOException {
				client.send(String.join("\n", messages) + "\n");
			}

			@Override
			public String receive() throws IOException {
				return client.readLine();
			}

			@Override
			public void close() throws IOException {
				client.close();
			}

		};
	}

}
