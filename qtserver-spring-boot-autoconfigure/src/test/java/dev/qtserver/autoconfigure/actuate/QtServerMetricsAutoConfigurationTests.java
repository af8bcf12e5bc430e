package dev.qtserver.autoconfigure.actuate;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QtServerMetricsAutoConfiguration}.
 */
class QtServerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				QtServerMetricsAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1");

	@Test
	void whenMicrometerIsPresentThenServerFiguresAreBoundWithServerAndKindTags() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(QtServerMeterBinder.class);
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(QtServerMeterBinder.class).bindTo(registry);
			QTcpServer server = context.getBean(QTcpServer.class);
			QTcpSocket socket;
			try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.serverPort())) {
				OutputStream out = client.getOutputStream();
				out.write("hello\n".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(5))
					.until(() -> registry.get(QtServerMeterBinder.CONNECTIONS_PENDING)
						.tag("server", "echo")
						.tag("kind", "tcp")
						.gauge()
						.value() == 1.0);
				assertThat(registry.get(QtServerMeterBinder.CONNECTIONS_ACCEPTED).functionCounter().count())
					.isEqualTo(1.0);
				assertThat(registry.get(QtServerMeterBinder.CONNECTIONS_ACTIVE).gauge().value()).isEqualTo(1.0);
				socket = server.nextPendingConnection();
				assertThat(registry.get(QtServerMeterBinder.CONNECTIONS_PENDING).gauge().value()).isZero();
			}
			assertThat(socket.receiveText().collectList().block(Duration.ofSeconds(5))).containsExactly("hello");
			assertThat(registry.get(QtServerMeterBinder.MESSAGES_RECEIVED).functionCounter().count()).isEqualTo(1.0);
			socket.close();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get(QtServerMeterBinder.CONNECTIONS_CLOSED)
					.tag("reason", "peer_closed")
					.functionCounter()
					.count() == 1.0);
			assertThat(registry.get(QtServerMeterBinder.CONNECTIONS_ACTIVE).gauge().value()).isZero();
		});
	}

	@Test
	void whenMicrometerIsAbsentThenServersWorkWithoutMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(QtServerMeterBinder.class);
			assertThat(context.getBean(QTcpServer.class).isListening()).isTrue();
		});
	}

	@Test
	void whenTheUserDefinesABinderThenOursBacksOff() {
		QtServerMeterBinder custom = new QtServerMeterBinder(java.util.List::of);
		this.runner.withBean(QtServerMeterBinder.class, () -> custom)
			.run((context) -> assertThat(context.getBean(QtServerMeterBinder.class)).isSameAs(custom));
	}

}
