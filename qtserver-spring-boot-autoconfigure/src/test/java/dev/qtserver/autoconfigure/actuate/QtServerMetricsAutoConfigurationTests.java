package dev.qtserver.autoconfigure.actuate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.actuate.WorkerPoolMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpServerFactory;
import dev.qtserver.tcp.QTcpSocket;
import dev.qtserver.tcp.TcpServerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
	void whenAHandlerHoldsTheOnlyWorkerThenTheQueuedGaugeCountsTheWorkWaitingAndReturnsToZero() {
		this.runner.withPropertyValues("qtserver.workers.max-threads=1")
			.withBean(BlockingHandler.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(WorkerPoolMeterBinder.class);
				MeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(WorkerPoolMeterBinder.class).bindTo(registry);
				int port = context.getBean(QTcpServer.class).serverPort();
				BlockingHandler.release = new CountDownLatch(1);
				try (Socket blocked = new Socket(InetAddress.getByName("127.0.0.1"), port);
						Socket waiting = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
					BufferedReader blockedReplies = reader(blocked);
					BufferedReader waitingReplies = reader(waiting);
					blocked.getOutputStream().write("block\n".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(5))
						.until(() -> workers(registry, WorkerPoolMeterBinder.ACTIVE) == 1.0);
					waiting.getOutputStream().write("next\n".getBytes(StandardCharsets.UTF_8));
					await().atMost(Duration.ofSeconds(5))
						.until(() -> workers(registry, WorkerPoolMeterBinder.QUEUED) >= 1.0);
					BlockingHandler.release.countDown();
					assertThat(blockedReplies.readLine()).isEqualTo("block");
					assertThat(waitingReplies.readLine()).isEqualTo("next");
					await().atMost(Duration.ofSeconds(5))
						.until(() -> workers(registry, WorkerPoolMeterBinder.QUEUED) == 0.0);
				}
				finally {
					BlockingHandler.release.countDown();
				}
			});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenHandlersRunOnVirtualThreadsThenNoExecutorMetersAreBound() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(WorkerPoolMeterBinder.class).bindTo(registry);
			assertThat(registry.find(WorkerPoolMeterBinder.QUEUED).meters()).isEmpty();
		});
	}

	private static double workers(MeterRegistry registry, String name) {
		return registry.get(name).tag("name", WorkerPoolMeterBinder.POOL_NAME).gauge().value();
	}

	private static BufferedReader reader(Socket socket) throws java.io.IOException {
		socket.setSoTimeout(5000);
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
	}

	@Test
	void whenMicrometerIsAbsentThenServersWorkWithoutMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(QtServerMeterBinder.class);
			assertThat(context).doesNotHaveBean(WorkerPoolMeterBinder.class);
			assertThat(context.getBean(QTcpServer.class).isListening()).isTrue();
		});
	}

	@Test
	void whenTheUserDefinesABinderThenOursBacksOff() {
		QtServerMeterBinder custom = new QtServerMeterBinder(java.util.List::of);
		this.runner.withBean(QtServerMeterBinder.class, () -> custom)
			.run((context) -> assertThat(context.getBean(QtServerMeterBinder.class)).isSameAs(custom));
	}

	@Test
	void whenTheApplicationDeclaresAFactoryMadeServerAsABeanThenItHasMetricsAndItsHandler() {
		this.runner.withUserConfiguration(FactoryMadeServerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(QtServerMeterBinder.class).bindTo(registry);
			QTcpServer extra = context.getBean("extraTcpServer", QTcpServer.class);
			assertThat(extra.isListening()).isTrue();
			try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), extra.serverPort())) {
				client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
				assertThat(reader.readLine()).isEqualTo("PING");
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get(QtServerMeterBinder.MESSAGES_RECEIVED)
					.tag("server", "extra")
					.functionCounter()
					.count() == 1.0);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FactoryMadeServerConfiguration {

		@Bean
		QTcpServer extraTcpServer(QTcpServerFactory factory) throws Exception {
			return factory.create("extra",
					TcpServerSettings.builder().address(InetAddress.getByName("127.0.0.1")).build());
		}

		@Bean
		UpperCaseHandler upperCaseHandler() {
			return new UpperCaseHandler();
		}

	}

	@QtHandler(server = "echo")
	static class BlockingHandler {

		static volatile CountDownLatch release = new CountDownLatch(0);

		@OnMessage
		String echo(String line) throws InterruptedException {
			if (line.equals("block")) {
				release.await(10, TimeUnit.SECONDS);
			}
			return line;
		}

	}

	@QtHandler(server = "extra")
	static class UpperCaseHandler {

		@OnMessage
		String upper(String line) {
			return line.toUpperCase(Locale.ROOT);
		}

	}

}
