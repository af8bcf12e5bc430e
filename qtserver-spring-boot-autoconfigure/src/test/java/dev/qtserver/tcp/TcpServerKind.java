package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.MessageClient;
import dev.qtserver.test.ServerKind;

/**
 * {@link QTcpServer} for the contract tests, with {@link TcpTestClient} clients.
 */
final class TcpServerKind implements ServerKind {

	@Override
	public QtServer newServer(WorkerPool workers) {
		return new QTcpServer("contract", TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(),
				(event) -> {
				}, workers.executor(), List.of());
	}

	@Override
	public MessageClient connect(QtServer server) throws IOException {
		return TcpTestClient.connect(server.serverPort());
	}

	@Override
	public boolean closesWithThePeer() {
		// the peer may have shut down only its sending side: what it sent is answered
		// first
		return false;
	}

}
