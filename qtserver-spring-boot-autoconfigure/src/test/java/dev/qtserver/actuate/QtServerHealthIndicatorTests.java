package dev.qtserver.actuate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.qtserver.core.ServerState;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.test.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QtServerHealthIndicator} follows a real TCP server on loopback through its
 * states: never started, listening, paused, resumed, closed, failed to listen.
 */
class QtServerHealthIndicatorTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final WorkerPool workers = WorkerPool.platformThreads(1, "health-");

	private QTcpServer server = server(0);

	@AfterEach
	void tearDown() {
		this.server.shutdown(Duration.ofSeconds(1));
		this.workers.close();
	}

	@Test
	void whenTheServerWasNeverStartedThenItsHealthIsUnknownNotDown() {
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("state", "not_started").containsEntry("kind", "tcp");
	}

	@Test
	void whenTheServerListensThenItIsUpWithItsPortAndConnections() {
		this.server.listen();
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("state", "listening")
			.containsEntry("connections", 0)
			.containsEntry("pendingConnections", 0)
			.doesNotContainKey("error");
		assertThat(listeners(health)).singleElement()
			.satisfies((listener) -> assertThat(listener).containsEntry("port", this.server.serverPort())
				.containsEntry("paused", false)
				.containsEntry("secure", false)
				.doesNotContainKey("sslBundle"));
	}

	@Test
	void whenTheServerIsAQSslServerThenItsListenerSaysSoAndNamesItsBundle() {
		DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry("server",
				TestCertificates.shared().bundle("server"));
		this.server = new QTcpServer("health",
				TcpServerSettings.builder().address(LOOPBACK).tls(TlsSettings.of("server")).build(), (event) -> {
				}, this.workers.executor(), List.of(), bundles);
		this.server.listen();
		assertThat(listeners(health())).singleElement()
			.satisfies((listener) -> assertThat(listener).containsEntry("secure", true)
				.containsEntry("sslBundle", "server"));
	}

	@Test
	void whenAcceptingIsPausedThenItIsOutOfServiceUntilResumed() {
		this.server.listen();
		this.server.pauseAccepting();
		assertThat(this.server.state()).isEqualTo(ServerState.PAUSED);
		assertThat(health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(listeners(health()).get(0)).containsEntry("paused", true);
		this.server.resumeAccepting();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void whenTheServerIsClosedThenItIsDown() {
		this.server.listen();
		this.server.close();
		Health health = health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", "closed");
	}

	@Test
	void whenTheServerFailedToListenThenItIsDownWithTheError() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
			this.server = server(taken.getLocalPort());
			assertThat(this.server.listen()).isFalse();
			Health health = health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("state", "failed").containsEntry("error", "ADDRESS_IN_USE");
			assertThat(listeners(health).get(0)).containsEntry("listening", false);
		}
		assertThat(this.server.listen()).isTrue();
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	private Health health() {
		Health health = new QtServerHealthIndicator(this.server).health();
		assertThat(health).isNotNull();
		return health;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> listeners(Health health) {
		return (List<Map<String, Object>>) health.getDetails().get("listeners");
	}

	private QTcpServer server(int port) {
		return new QTcpServer("health", TcpServerSettings.builder().address(LOOPBACK).port(port).build(), (event) -> {
		}, this.workers.executor(), List.of());
	}

}
