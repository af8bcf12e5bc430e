package dev.qtserver.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.TcpServerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerListenFailureAnalyzer}.
 */
class ServerListenFailureAnalyzerTests {

	@Test
	void whenThePortIsInUseThenTheReportNamesServerAddressAndPortAndSuggestsAFix() throws Exception {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		try (ServerSocket taken = new ServerSocket(0, 50, loopback);
				WorkerPool workers = WorkerPool.platformThreads(1, "test-")) {
			int port = taken.getLocalPort();
			QTcpServer server = new QTcpServer("echo", TcpServerSettings.builder().address(loopback).port(port).build(),
					(event) -> {
					}, workers.executor(), List.of());
			assertThat(server.listen()).isFalse();
			FailureAnalysis analysis = new ServerListenFailureAnalyzer()
				.analyze(new IllegalStateException(new ServerListenException(server, loopback, port)));
			assertThat(analysis.getDescription()).contains("TCP server 'echo'")
				.contains("127.0.0.1:" + port)
				.contains("already in use");
			assertThat(analysis.getAction()).contains("port " + port).contains("qtserver.tcp.echo.port");
		}
	}

}
