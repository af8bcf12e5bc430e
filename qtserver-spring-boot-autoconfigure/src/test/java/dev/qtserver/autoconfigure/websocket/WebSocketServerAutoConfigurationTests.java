package dev.qtserver.autoconfigure.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.context.QtServerPortInfoApplicationContextInitializer;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.SocketError;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.QWebSocketServerFactory;
import dev.qtserver.websocket.WebSocketServerCustomizer;
import dev.qtserver.websocket.WebSocketServerSettings;
import io.netty.channel.ChannelOption;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketServerAutoConfiguration}.
 */
class WebSocketServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(QtServerAutoConfiguration.class, WebSocketServerAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withPropertyValues("qtserver.websocket.chat.address=127.0.0.1", "qtserver.websocket.chat.path=/chat");

	@Test
	void whenNoServerIsDeclaredThenNoServerBeanExists() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QtServerAutoConfiguration.class, WebSocketServerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QWebSocketServer.class);
				assertThat(context).hasSingleBean(QWebSocketServerFactory.class);
			});
	}

	@Test
	void whenReactorNettyHttpIsMissingThenNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader("io.netty.handler.codec.http.websocketx"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QWebSocketServerFactory.class);
				assertThat(context).doesNotHaveBean(QWebSocketServer.class);
			});
	}

	@Test
	void whenServersAreDeclaredThenEachGetsABeanNamedAfterIt() {
		this.runner.withPropertyValues("qtserver.websocket.feed.address=127.0.0.1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(QWebSocketServer.class)).containsOnlyKeys("chatWebSocketServer",
					"feedWebSocketServer");
			assertThat(context.getBean("chatWebSocketServer", QWebSocketServer.class).name()).isEqualTo("chat");
			assertThat(context.getBean("feedWebSocketServer", QWebSocketServer.class).name()).isEqualTo("feed");
		});
	}

	@Test
	void whenPropertiesAreSetThenTheServerSettingsFollowThem() {
		this.runner
			.withPropertyValues("qtserver.websocket.chat.port=0", "qtserver.websocket.chat.auto-startup=false",
					"qtserver.websocket.chat.path=/ws/chat", "qtserver.websocket.chat.server-name=ChatServer/2",
					"qtserver.websocket.chat.handshake-timeout=3s", "qtserver.websocket.chat.subprotocols=chat.v2,chat",
					"qtserver.websocket.chat.max-pending-connections=4",
					"qtserver.websocket.chat.allowed-origins=https://a.example,https://b.example",
					"qtserver.websocket.chat.max-frame-size=16KB", "qtserver.websocket.chat.max-message-size=256KB",
					"qtserver.websocket.chat.compression=true", "qtserver.websocket.chat.idle-timeout=45s",
					"qtserver.websocket.chat.heartbeat-interval=15s", "qtserver.websocket.chat.max-header-size=2KB",
					"qtserver.websocket.chat.listen-backlog-size=7", "qtserver.websocket.chat.max-connections=9")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QWebSocketServer server = context.getBean(QWebSocketServer.class);
				WebSocketServerSettings settings = server.settings();
				assertThat(settings.listen().address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
				assertThat(settings.listen().port()).isZero();
				assertThat(settings.listen().autoStartup()).isFalse();
				assertThat(settings.path()).isEqualTo("/ws/chat");
				assertThat(settings.serverName()).isEqualTo("ChatServer/2");
				assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.subprotocols()).containsExactly("chat.v2", "chat");
				assertThat(settings.listen().maxPendingConnections()).isEqualTo(4);
				assertThat(settings.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
				assertThat(settings.maxFrameSize()).isEqualTo(16 * 1024);
				assertThat(settings.maxMessageSize()).isEqualTo(256 * 1024);
				assertThat(settings.compression()).isTrue();
				assertThat(settings.listen().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
				assertThat(settings.maxHeaderSize()).isEqualTo(2 * 1024);
				assertThat(settings.listen().listenBacklogSize()).isEqualTo(7);
				assertThat(settings.listen().maxConnections()).isEqualTo(9);
				assertThat(server.isListening()).isFalse();
			});
	}

	@Test
	void whenNothingIsSetThenQtDefaultsApply() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QtServerAutoConfiguration.class, WebSocketServerAutoConfiguration.class))
			.withPropertyValues("qtserver.websocket.chat.auto-startup=false")
			.run((context) -> {
				WebSocketServerSettings settings = context.getBean(QWebSocketServer.class).settings();
				assertThat(settings.listen().address()).isEqualTo(InetAddress.getByName("0.0.0.0"));
				assertThat(settings.listen().port()).isZero();
				assertThat(settings.path()).isEqualTo("/");
				assertThat(settings.serverName()).as("server name defaults to the server's name").isEqualTo("chat");
				assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(settings.subprotocols()).isEmpty();
				assertThat(settings.listen().maxPendingConnections()).isEqualTo(30);
				assertThat(settings.allowedOrigins()).isEmpty();
				assertThat(settings.maxFrameSize()).isEqualTo(64 * 1024);
				assertThat(settings.maxMessageSize()).isEqualTo(1024 * 1024);
				assertThat(settings.compression()).isFalse();
				assertThat(settings.listen().idleTimeout()).isNull();
				assertThat(settings.heartbeatInterval()).isNull();
				assertThat(settings.maxHeaderSize()).isEqualTo(8 * 1024);
				assertThat(settings.listen().listenBacklogSize()).isEqualTo(NetUtil.SOMAXCONN);
				assertThat(settings.listen().maxConnections()).isEqualTo(-1);
			});
	}

	@Test
	void whenTheHandshakeTimeoutIsZeroThenThereIsNoLimit() {
		this.runner.withPropertyValues("qtserver.websocket.chat.handshake-timeout=0").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(QWebSocketServer.class).settings().handshakeTimeout()).isNull();
			assertThat(context.getBean(QWebSocketServer.class).handshakeTimeout()).isNull();
		});
	}

	@Test
	void whenTheContextStartsThenServersListenAndPublishTheirPort() {
		this.runner.run((context) -> {
			QWebSocketServer server = context.getBean(QWebSocketServer.class);
			assertThat(server.isListening()).isTrue();
			assertThat(context.getEnvironment().getProperty("local.qtserver.websocket.chat.port", Integer.class))
				.isEqualTo(server.serverPort());
			assertThat(server.serverUrl()).hasToString("ws://127.0.0.1:" + server.serverPort() + "/chat");
		});
	}

	@Test
	void whenTheContextClosesThenServersStopListening() {
		QWebSocketServer[] server = new QWebSocketServer[1];
		this.runner.run((context) -> server[0] = context.getBean(QWebSocketServer.class));
		assertThat(server[0].isListening()).isFalse();
	}

	@Test
	void whenAHandlerBeanIsBoundThenTheServerUsesIt() {
		this.runner.withUserConfiguration(EchoHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			QWebSocketServer server = context.getBean(QWebSocketServer.class);
			try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.serverPort())) {
				client.setSoTimeout(5000);
				assertThat(handshake(client, "/chat")).startsWith("HTTP/1.1 101");
				sendMaskedText(client, "ping");
				assertThat(readTextFrame(client.getInputStream())).isEqualTo("ping");
			}
		});
	}

	@Test
	void whenATcpAndAWebSocketServerShareANameThenAHandlerNamingItFailsStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
					WebSocketServerAutoConfiguration.class))
			.withPropertyValues("qtserver.tcp.chat.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1")
			.withUserConfiguration(EchoHandlerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(startupFailureCause(context)).isInstanceOf(InvalidHandlerException.class)
					.hasMessageContaining("several kinds")
					.hasMessageContaining("'chat'");
			});
	}

	@Test
	void whenATcpAndAWebSocketServerHaveDistinctNamesThenBothStart() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
					WebSocketServerAutoConfiguration.class))
			.withPropertyValues("qtserver.tcp.raw.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1")
			.withUserConfiguration(EchoHandlerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("rawTcpServer", QTcpServer.class).isListening()).isTrue();
				assertThat(context.getBean("chatWebSocketServer", QWebSocketServer.class).isListening()).isTrue();
			});
	}

	@Test
	void whenTheUserDefinesAServerBeanOfTheSameNameThenOursBacksOff() {
		this.runner.withUserConfiguration(UserServerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(QWebSocketServer.class);
			assertThat(context.getBean("chatWebSocketServer", QWebSocketServer.class)
				.settings()
				.listen()
				.maxPendingConnections()).isEqualTo(5);
		});
	}

	@Test
	void whenTheUserDefinesAFactoryThenOursBacksOff() {
		QWebSocketServerFactory custom = new QWebSocketServerFactory((event) -> {
		}, Runnable::run, List.of());
		this.runner.withBean(QWebSocketServerFactory.class, () -> custom)
			.withPropertyValues("qtserver.websocket.chat.auto-startup=false")
			.run((context) -> assertThat(context.getBean(QWebSocketServerFactory.class)).isSameAs(custom));
	}

	@Test
	void whenCustomizersAreDefinedThenTheyAreAppliedInOrder() {
		this.runner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CustomizerConfiguration.class).applied).containsExactly("first:chat",
					"second:chat");
		});
	}

	@Test
	void whenThePortIsOutOfRangeThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("port=70000", "qtserver.websocket.chat.port");
	}

	@Test
	void whenThePathDoesNotStartWithASlashThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("path=chat", "qtserver.websocket.chat.path");
	}

	@Test
	void whenTheMaxMessageSizeIsSmallerThanTheMaxFrameSizeThenStartupFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("qtserver.websocket.chat.max-frame-size=64KB",
					"qtserver.websocket.chat.max-message-size=32KB")
			.run((context) -> assertFailedNaming(context, "qtserver.websocket.chat.max-message-size"));
	}

	@Test
	void whenMaxPendingConnectionsIsZeroThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("max-pending-connections=0", "qtserver.websocket.chat.max-pending-connections");
	}

	@Test
	void whenTheHandshakeTimeoutIsNegativeThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("handshake-timeout=-1s", "qtserver.websocket.chat.handshake-timeout");
	}

	@Test
	void whenTheIdleTimeoutIsZeroThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("idle-timeout=0s", "qtserver.websocket.chat.idle-timeout");
	}

	@Test
	void whenTheMaxFrameSizeIsZeroThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("max-frame-size=0B", "qtserver.websocket.chat.max-frame-size");
	}

	@Test
	void whenMaxConnectionsIsZeroThenStartupFailsNamingTheProperty() {
		assertInvalidProperty("max-connections=0", "qtserver.websocket.chat.max-connections");
	}

	@Test
	void whenThePortIsInUseThenStartupFailsWithAListenException() throws Exception {
		try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			this.runner.withPropertyValues("qtserver.websocket.chat.port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(startupFailureCause(context)).isInstanceOfSatisfying(ServerListenException.class, (ex) -> {
					assertThat(ex.getServer().name()).isEqualTo("chat");
					assertThat(ex.getPort()).isEqualTo(taken.getLocalPort());
					assertThat(ex.getError()).isEqualTo(SocketError.ADDRESS_IN_USE);
				});
			});
		}
	}

	private void assertInvalidProperty(String assignment, String property) {
		this.runner.withPropertyValues("qtserver.websocket.chat." + assignment)
			.run((context) -> assertFailedNaming(context, property));
	}

	private static void assertFailedNaming(AssertableApplicationContext context, String property) {
		assertThat(context).hasFailed();
		assertThat(startupFailureCause(context)).isInstanceOfSatisfying(
				InvalidConfigurationPropertyValueException.class, (ex) -> assertThat(ex.getName()).isEqualTo(property));
	}

	private static Throwable startupFailureCause(AssertableApplicationContext context) {
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

	/** Send a version 13 opening handshake and return the response's status line. */
	private static String handshake(Socket client, String path) throws IOException {
		String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
		String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
		OutputStream out = client.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = client.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next == -1) {
				throw new IOException("Closed before the end of the response head: " + head);
			}
			head.write(next);
		}
		return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElseThrow();
	}

	private static void sendMaskedText(Socket client, String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] mask = { 1, 2, 3, 4 };
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		frame.write(0x80 | payload.length);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		client.getOutputStream().write(frame.toByteArray());
		client.getOutputStream().flush();
	}

	private static String readTextFrame(InputStream in) throws IOException {
		int first = in.read();
		int length = in.read() & 0x7F;
		assertThat(first).as("FIN and text opcode").isEqualTo(0x81);
		assertThat(length).isLessThan(126);
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoHandlerConfiguration {

		@Bean
		EchoHandler echoHandler() {
			return new EchoHandler();
		}

	}

	@QtHandler(server = "chat")
	static class EchoHandler {

		@OnMessage
		String echo(String message) {
			return message;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerConfiguration {

		@Bean
		QWebSocketServer chatWebSocketServer(QWebSocketServerFactory factory) throws Exception {
			return factory.create("chat",
					WebSocketServerSettings.builder()
						.address(InetAddress.getByName("127.0.0.1"))
						.maxPendingConnections(5)
						.build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> applied = new CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		WebSocketServerCustomizer second() {
			return (name, server) -> {
				this.applied.add("second:" + name);
				return server;
			};
		}

		@Bean
		@Order(1)
		WebSocketServerCustomizer first() {
			return (name, server) -> {
				this.applied.add("first:" + name);
				return server.childOption(ChannelOption.SO_KEEPALIVE, true);
			};
		}

	}

}
