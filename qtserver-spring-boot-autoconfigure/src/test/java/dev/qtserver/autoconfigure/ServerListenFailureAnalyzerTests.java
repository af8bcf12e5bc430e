package dev.qtserver.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import dev.qtserver.core.ListenSettings;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.test.TwoListenerServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerListenFailureAnalyzer}.
 */
class ServerListenFailureAnalyzerTests {

	@Test
	void whenThePortIsInUseThenTheReportNamesServerAddressAndPortAndSuggestsAFix() throws Exception {
		try (ServerSocket taken = takenPort()) {
			FailureAnalysis analysis = analyzeOn("echo", taken.getLocalPort(), new MockEnvironment());
			assertThat(analysis.getDescription()).contains("TCP server 'echo'")
				.contains("127.0.0.1:" + taken.getLocalPort())
				.contains("already in use");
			assertThat(analysis.getAction()).contains("port " + taken.getLocalPort())
				.contains("qtserver.tcp.echo.port");
		}
	}

	/**
	 * A server given a list of listeners, even of one, takes its port from the list: the
	 * fix names the list's entry, not the server's own port, which is not used then.
	 */
	@Test
	void whenTheOnlyListenerOfAListCannotListenThenTheReportNamesItsEntry() throws Exception {
		try (ServerSocket taken = takenPort()) {
			MockEnvironment environment = new MockEnvironment().withProperty("qtserver.tcp.echo.listeners[0].port",
					String.valueOf(taken.getLocalPort()));
			assertThat(analyzeOn("echo", taken.getLocalPort(), environment).getAction())
				.contains("qtserver.tcp.echo.listeners[0].port");
		}
	}

	private static ServerSocket takenPort() throws Exception {
		return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
	}

	/**
	 * A server's name is a map key, which may be one no property name can spell: the
	 * report still comes, naming the server's own property.
	 */
	@Test
	void whenTheServersNameIsNoValidPropertyNameThenTheReportStillComes() throws Exception {
		try (ServerSocket taken = takenPort()) {
			assertThat(analyzeOn("myApi", taken.getLocalPort(), new MockEnvironment()).getAction())
				.contains("qtserver.tcp.myApi.port");
		}
	}

	/** The report on a TCP server that could not listen on the port. */
	private static FailureAnalysis analyzeOn(String name, int port, MockEnvironment environment) throws Exception {
		try (WorkerPool workers = WorkerPool.platformThreads(1, "test-")) {
			QTcpServer server = new QTcpServer(name,
					TcpServerSettings.builder().address(InetAddress.getByName("127.0.0.1")).port(port).build(),
					(event) -> {
					}, workers.executor(), List.of());
			assertThat(server.listen()).isFalse();
			return new ServerListenFailureAnalyzer(environment)
				.analyze(new IllegalStateException(new ServerListenException(server.listeners().get(0))));
		}
	}

	@Test
	void whenOneOfSeveralListenersCannotListenThenTheReportNamesThatListenerAndItsProperty() throws Exception {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		try (ServerSocket taken = new ServerSocket(0, 50, loopback);
				WorkerPool workers = WorkerPool.platformThreads(1, "test-")) {
			int port = taken.getLocalPort();
			TwoListenerServer server = new TwoListenerServer("multi", ListenSettings.builder().build(), 0, port,
					(event) -> {
					}, workers.executor(), List.of());
			assertThat(server.listen()).isFalse();
			FailureAnalysis analysis = new ServerListenFailureAnalyzer(new MockEnvironment())
				.analyze(new IllegalStateException(new ServerListenException(server.listeners().get(1))));
			assertThat(analysis.getDescription()).contains("TCP server 'multi' (listener 1)")
				.contains("127.0.0.1:" + port)
				.contains("already in use");
			assertThat(analysis.getAction()).contains("qtserver.tcp.multi.listeners[1].port");
		}
	}

}
