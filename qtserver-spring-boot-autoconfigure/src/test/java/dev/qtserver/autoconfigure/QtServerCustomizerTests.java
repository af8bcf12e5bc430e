package dev.qtserver.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.tcp.TcpServerCustomizer;
import dev.qtserver.websocket.WebSocketServerCustomizer;
import org.junit.jupiter.api.Test;
import reactor.netty.tcp.TcpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One customizer type for every kind, applied by its generic type as Boot applies a
 * {@code WebServerFactoryCustomizer<T>}: a {@code QtServerCustomizer<TcpServer>} reaches
 * every server that binds a {@link TcpServer}, the kind's own sub-interfaces only their
 * kind.
 */
class QtServerCustomizerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1")
		.withUserConfiguration(CustomizerConfiguration.class);

	@Test
	void whenCustomizersOfEachTypeAreDefinedThenEachReachesTheServersOfItsType() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			CustomizerConfiguration applied = context.getBean(CustomizerConfiguration.class);
			assertThat(applied.everyTcpTransport).containsExactlyInAnyOrder("echo", "chat");
			assertThat(applied.tcpOnly).containsExactly("echo");
			assertThat(applied.webSocketOnly).containsExactly("chat");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> everyTcpTransport = new CopyOnWriteArrayList<>();

		final List<String> tcpOnly = new CopyOnWriteArrayList<>();

		final List<String> webSocketOnly = new CopyOnWriteArrayList<>();

		@Bean
		QtServerCustomizer<TcpServer> everyTcpTransport() {
			return (QtServer server, TcpServer transport) -> {
				this.everyTcpTransport.add(server.name());
				return transport;
			};
		}

		@Bean
		TcpServerCustomizer tcpOnly() {
			return (name, transport) -> {
				this.tcpOnly.add(name);
				return transport;
			};
		}

		@Bean
		WebSocketServerCustomizer webSocketOnly() {
			return (name, transport) -> {
				this.webSocketOnly.add(name);
				return transport;
			};
		}

	}

}
