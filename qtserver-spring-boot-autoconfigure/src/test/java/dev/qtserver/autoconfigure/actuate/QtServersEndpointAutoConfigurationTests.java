package dev.qtserver.autoconfigure.actuate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

import dev.qtserver.actuate.QtServersEndpoint;
import dev.qtserver.actuate.QtServersEndpoint.ServerDescriptor;
import dev.qtserver.actuate.QtServersEndpointWebExtension;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QtServersEndpointAutoConfiguration} and the endpoint it exposes, on
 * real servers bound to loopback.
 */
class QtServersEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, QtServersEndpointAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1",
				"management.endpoints.web.exposure.include=qtservers");

	@Test
	void whenExposedThenItDescribesEveryServer() {
		this.runner.run((context) -> {
			QtServersEndpoint endpoint = context.getBean(QtServersEndpoint.class);
			assertThat(endpoint.servers().servers())
				.extracting(ServerDescriptor::name, ServerDescriptor::kind, ServerDescriptor::state)
				.containsExactlyInAnyOrder(tuple("echo", "tcp", "listening"), tuple("chat", "websocket", "listening"));
			QTcpServer echo = context.getBean(QTcpServer.class);
			ServerDescriptor one = single(endpoint.server("echo"));
			assertThat(one.listeners()).singleElement()
				.satisfies((listener) -> assertThat(listener.port()).isEqualTo(echo.serverPort()));
			assertThat(endpoint.server("nowhere")).isNull();
		});
	}

	@Test
	void whenAskedToPauseAndResumeThenTheServerDoes() {
		this.runner.run((context) -> {
			QtServersEndpoint endpoint = context.getBean(QtServersEndpoint.class);
			QTcpServer echo = context.getBean(QTcpServer.class);
			assertThat(single(endpoint.act("echo", "pause", null)).state()).isEqualTo("paused");
			assertThat(echo.isAcceptingPaused()).isTrue();
			assertThat(single(endpoint.act("echo", "resume", null)).state()).isEqualTo("listening");
			assertThat(echo.isAcceptingPaused()).isFalse();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.act("echo", "explode", null));
			assertThat(endpoint.act("nowhere", "pause", null)).isNull();
		});
	}

	@Test
	void whenAskedToCloseAConnectionThenThatConnectionCloses() throws IOException {
		this.runner.run((context) -> {
			QtServersEndpoint endpoint = context.getBean(QtServersEndpoint.class);
			QTcpServer echo = context.getBean(QTcpServer.class);
			try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), echo.serverPort())) {
				await().atMost(Duration.ofSeconds(5)).until(echo::hasPendingConnections);
				QTcpSocket socket = echo.nextPendingConnection();
				assertThat(socket).isNotNull();
				assertThat(endpoint.act("echo", "close-connection", socket.id())).isNotNull();
				assertThat(client.getInputStream().read()).as("end of stream once closed").isEqualTo(-1);
				assertThat(endpoint.act("echo", "close-connection", socket.id() + 1000)).isNull();
			}
		});
	}

	@Test
	void whenExposedOverTheWebThenTheWebExtensionAnswers404ForAnUnknownServer() {
		this.runner.run((context) -> {
			QtServersEndpointWebExtension web = context.getBean(QtServersEndpointWebExtension.class);
			assertThat(web.act("nowhere", "pause", null).getStatus()).isEqualTo(404);
			assertThat(web.act("echo", "pause", null).getStatus()).isEqualTo(200);
		});
	}

	@Test
	void whenNotExposedThenThereIsNoEndpoint() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(QtServersEndpoint.class));
	}

	@Test
	void whenTheActuatorIsAbsentThenServersWorkWithoutTheEndpoint() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(QtServersEndpoint.class);
			assertThat(context.getBean(QTcpServer.class).isListening()).isTrue();
		});
	}

	private static ServerDescriptor single(QtServersEndpoint.ServersDescriptor servers) {
		assertThat(servers).isNotNull();
		assertThat(servers.servers()).hasSize(1);
		return servers.servers().get(0);
	}

}
