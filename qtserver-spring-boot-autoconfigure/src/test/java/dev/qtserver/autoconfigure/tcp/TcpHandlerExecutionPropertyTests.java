package dev.qtserver.autoconfigure.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.handler.Blocking;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qtserver.handlers.execution} places the handler methods of a whole application,
 * under the annotations: a TCP server's handler answers with where each method ran.
 */
class TcpHandlerExecutionPropertyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.sync.address=127.0.0.1", "qtserver.tcp.mono.address=127.0.0.1",
				"qtserver.tcp.blocking.address=127.0.0.1", "qtserver.workers.thread-name-prefix=prop-worker-")
		.withUserConfiguration(WhereHandlersConfiguration.class);

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "auto, worker, loop, worker", "event-loop, loop, loop, worker", "worker, worker, worker, worker" })
	void whenTheExecutionPropertyIsSetThenUnannotatedMethodsFollowIt(String execution, String sync, String mono,
			String blocking) {
		this.runner.withPropertyValues("qtserver.handlers.execution=" + execution).run((context) -> {
			assertThat(ask(context.getBean("syncTcpServer", QTcpServer.class))).isEqualTo(sync);
			assertThat(ask(context.getBean("monoTcpServer", QTcpServer.class))).isEqualTo(mono);
			assertThat(ask(context.getBean("blockingTcpServer", QTcpServer.class))).isEqualTo(blocking);
		});
	}

	private static String ask(QTcpServer server) throws IOException {
		try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), server.serverPort())) {
			client.setSoTimeout(5000);
			client.getOutputStream().write("where?\n".getBytes(StandardCharsets.UTF_8));
			return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
		}
	}

	static String where() {
		if (Schedulers.isInNonBlockingThread()) {
			return "loop";
		}
		String name = Thread.currentThread().getName();
		return name.startsWith("prop-worker-") ? "worker" : name;
	}

	@Configuration(proxyBeanMethods = false)
	static class WhereHandlersConfiguration {

		@Bean
		SyncWhere syncWhere() {
			return new SyncWhere();
		}

		@Bean
		MonoWhere monoWhere() {
			return new MonoWhere();
		}

		@Bean
		BlockingWhere blockingWhere() {
			return new BlockingWhere();
		}

	}

	@QtHandler(server = "sync")
	static class SyncWhere {

		@OnMessage
		String answer(String question) {
			return where();
		}

	}

	@QtHandler(server = "mono")
	static class MonoWhere {

		@OnMessage
		Mono<String> answer(String question) {
			return Mono.just(where());
		}

	}

	@QtHandler(server = "blocking")
	static class BlockingWhere {

		@OnMessage
		@Blocking
		String answer(String question) {
			return where();
		}

	}

}
