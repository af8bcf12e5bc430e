package dev.qtserver.autoconfigure.tcp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.context.QtServerPortInfoApplicationContextInitializer;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpServerFactory;
import dev.qtserver.tcp.TcpFraming;
import dev.qtserver.tcp.TcpServerCustomizer;
import dev.qtserver.tcp.TcpServerSettings;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TcpServerAutoConfiguration}.
 */
class TcpServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1");

	@Test
	void whenNoServerIsDeclaredThenNoServerBeanExists() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QTcpServer.class);
				assertThat(context).hasSingleBean(QTcpServerFactory.class);
			});
	}

	@Test
	void whenServersAreDeclaredThenEachGetsABeanNamedAfterIt() {
		this.runner.withPropertyValues("qtserver.tcp.other.address=127.0.0.1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(QTcpServer.class)).containsOnlyKeys("echoTcpServer", "otherTcpServer");
			assertThat(context.getBean("echoTcpServer", QTcpServer.class).name()).isEqualTo("echo");
			assertThat(context.getBean("otherTcpServer", QTcpServer.class).name()).isEqualTo("other");
		});
	}

	@Test
	void whenPropertiesAreSetThenTheServerSettingsFollowThem() {
		this.runner
			.withPropertyValues("qtserver.tcp.echo.auto-startup=false", "qtserver.tcp.echo.listen-backlog-size=7",
					"qtserver.tcp.echo.max-pending-connections=3", "qtserver.tcp.echo.max-connections=9",
					"qtserver.tcp.echo.idle-timeout=45s", "qtserver.tcp.echo.framing=length-field",
					"qtserver.tcp.echo.length-field-length=2", "qtserver.tcp.echo.max-frame-length=1KB",
					"qtserver.tcp.echo.charset=ISO-8859-1", "qtserver.tcp.echo.port=0")
			.run((context) -> {
				TcpServerSettings settings = context.getBean(QTcpServer.class).settings();
				assertThat(settings.listen().address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
				assertThat(settings.listen().autoStartup()).isFalse();
				assertThat(settings.listen().listenBacklogSize()).isEqualTo(7);
				assertThat(settings.listen().maxPendingConnections()).isEqualTo(3);
				assertThat(settings.listen().maxConnections()).isEqualTo(9);
				assertThat(settings.listen().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(settings.framing()).isEqualTo(TcpFraming.LENGTH_FIELD);
				assertThat(settings.lengthFieldLength()).isEqualTo(2);
				assertThat(settings.maxFrameLength()).isEqualTo(1024);
				assertThat(settings.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
				assertThat(context.getBean(QTcpServer.class).isListening()).isFalse();
			});
	}

	@Test
	void whenNothingIsSetThenQtDefaultsApply() {
		this.runner.run((context) -> {
			TcpServerSettings settings = context.getBean(QTcpServer.class).settings();
			assertThat(settings.listen().port()).isZero();
			assertThat(settings.listen().autoStartup()).isTrue();
			assertThat(settings.listen().listenBacklogSize()).isEqualTo(NetUtil.SOMAXCONN);
			assertThat(settings.listen().maxPendingConnections()).isEqualTo(30);
			assertThat(settings.listen().maxConnections()).isEqualTo(-1);
			assertThat(settings.listen().idleTimeout()).isNull();
			assertThat(settings.framing()).isEqualTo(TcpFraming.LINE);
			assertThat(settings.maxFrameLength()).isEqualTo(64 * 1024);
			assertThat(settings.charset()).isEqualTo(StandardCharsets.UTF_8);
		});
	}

	@Test
	void whenTheContextStartsThenServersListenAndPublishTheirPort() {
		this.runner.run((context) -> {
			QTcpServer server = context.getBean(QTcpServer.class);
			assertThat(server.isListening()).isTrue();
			assertThat(context.getEnvironment().getProperty("local.qtserver.tcp.echo.port", Integer.class))
				.isEqualTo(server.serverPort());
		});
	}

	@Test
	void whenTheContextClosesThenServersStopListening() {
		QTcpServer[] server = new QTcpServer[1];
		this.runner.run((context) -> server[0] = context.getBean(QTcpServer.class));
		assertThat(server[0].isListening()).isFalse();
	}

	@Test
	void whenAHandlerBeanIsBoundThenTheServerUsesIt() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class).run((context) -> {
			QTcpServer server = context.getBean(QTcpServer.class);
			try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.serverPort())) {
				client.setSoTimeout(5000);
				client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
				assertThat(reader.readLine()).isEqualTo("ping");
			}
		});
	}

	@Test
	void whenAHandlerNamesAnUnknownServerThenStartupFails() {
		this.runner.withUserConfiguration(StrayHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(startupFailureCause(context)).isInstanceOf(InvalidHandlerException.class)
				.hasMessageContaining("'nowhere'")
				.hasMessageContaining("[echo]");
		});
	}

	@Test
	void whenAHandlerMethodHasAWrongSignatureThenStartupFailsNamingTheMethod() {
		this.runner.withUserConfiguration(BadHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(startupFailureCause(context)).isInstanceOf(InvalidHandlerException.class)
				.hasMessageContaining("BadHandler.echo(String, int)");
		});
	}

	@Test
	void whenAServerHasTwoHandlersThenStartupFails() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class, SecondEchoHandlerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(startupFailureCause(context)).isInstanceOf(InvalidHandlerException.class)
					.hasMessageContaining("two handler beans");
			});
	}

	@Test
	void whenTheUserDefinesAServerBeanOfTheSameNameThenOursBacksOff() {
		this.runner.withUserConfiguration(UserServerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("echoTcpServer", QTcpServer.class).settings().listen().maxPendingConnections())
				.isEqualTo(5);
			assertThat(context).hasSingleBean(QTcpServer.class);
		});
	}

	@Test
	void whenTheUserDefinesAWorkerPoolThenOursBacksOff() {
		WorkerPool custom = WorkerPool.platformThreads(1, "custom-");
		this.runner.withBean(WorkerPool.class, () -> custom)
			.run((context) -> assertThat(context.getBean(WorkerPool.class)).isSameAs(custom));
	}

	@Test
	void whenCustomizersAreDefinedThenTheyAreAppliedInOrder() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CustomizerConfiguration.class).applied).containsExactly("first:echo",
					"second:echo");
		});
	}

	@Test
	void whenThePortIsOutOfRangeThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.tcp.echo.port=70000").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(startupFailureCause(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.satisfies((ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
					.isEqualTo("qtserver.tcp.echo.port"));
		});
	}

	@Test
	void whenMaxPendingConnectionsIsZeroThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.tcp.echo.max-pending-connections=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(startupFailureCause(context)).hasMessageContaining("qtserver.tcp.echo.max-pending-connections");
		});
	}

	@Test
	void whenTheLengthFieldLengthIsUnsupportedThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.tcp.echo.length-field-length=5").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(startupFailureCause(context)).hasMessageContaining("qtserver.tcp.echo.length-field-length");
		});
	}

	@Test
	void whenTheFramingIsUnknownThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.tcp.echo.framing=morse").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("qtserver.tcp.echo.framing");
		});
	}

	@Test
	void whenThePortIsInUseThenStartupFailsWithAListenException() throws Exception {
		try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			this.runner.withPropertyValues("qtserver.tcp.echo.port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(startupFailureCause(context)).isInstanceOfSatisfying(ServerListenException.class, (ex) -> {
					assertThat(ex.getServer().name()).isEqualTo("echo");
					assertThat(ex.getPort()).isEqualTo(taken.getLocalPort());
					assertThat(ex.getError()).isEqualTo(SocketError.ADDRESS_IN_USE);
				});
			});
		}
	}

	private static Throwable startupFailureCause(AssertableApplicationContext context) {
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoHandlerConfiguration {

		@Bean
		EchoHandler echoHandler() {
			return new EchoHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondEchoHandlerConfiguration {

		@Bean
		EchoHandler secondEchoHandler() {
			return new EchoHandler();
		}

	}

	@QtHandler(server = "echo")
	static class EchoHandler {

		@OnMessage
		String echo(String line) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StrayHandlerConfiguration {

		@Bean
		StrayHandler strayHandler() {
			return new StrayHandler();
		}

	}

	@QtHandler(server = "nowhere")
	static class StrayHandler {

		@OnMessage
		String echo(String line) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadHandlerConfiguration {

		@Bean
		BadHandler badHandler() {
			return new BadHandler();
		}

	}

	@QtHandler(server = "echo")
	static class BadHandler {

		@OnMessage
		String echo(String line, int count) {
			return line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean
		QTcpServer echoTcpServer(QTcpServerFactory factory) throws Exception {
			return factory.create("echo",
					TcpServerSettings.builder()
						.address(InetAddress.getByName("127.0.0.1"))
						.maxPendingConnections(5)
						.build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> applied = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		TcpServerCustomizer second() {
			return (name, server) -> {
				this.applied.add("second:" + name);
				return server;
			};
		}

		@Bean
		@Order(1)
		TcpServerCustomizer first() {
			return (name, server) -> {
				this.applied.add("first:" + name);
				return server.childOption(ChannelOption.SO_KEEPALIVE, true);
			};
		}

	}

}
