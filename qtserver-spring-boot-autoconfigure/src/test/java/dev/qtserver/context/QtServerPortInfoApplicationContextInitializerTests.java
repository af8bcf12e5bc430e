package dev.qtserver.context;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.core.ListenSettings;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.test.TwoListenerServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link QtServerPortInfoApplicationContextInitializer} publishes every listener's port,
 * and the first one's under the short name too, for a server with two listeners that the
 * context starts.
 */
class QtServerPortInfoApplicationContextInitializerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withUserConfiguration(TwoListenerConfiguration.class);

	@Test
	void whenAServerWithTwoListenersListensThenEveryListenersPortIsPublished() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			List<ServerListener> listeners = context.getBean(TwoListenerServer.class).listeners();
			Environment environment = context.getEnvironment();
			assertThat(port(environment, "local.qtserver.tcp.multi.listeners[0].port"))
				.isEqualTo(listeners.get(0).serverPort());
			assertThat(port(environment, "local.qtserver.tcp.multi.listeners[1].port"))
				.isEqualTo(listeners.get(1).serverPort())
				.isNotEqualTo(listeners.get(0).serverPort());
			assertThat(port(environment, "local.qtserver.tcp.multi.port")).isEqualTo(listeners.get(0).serverPort());
		});
	}

	@Test
	void whenTheSecondListenersPortIsInUseAtStartupThenTheFailureNamesThatListener() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.runner.withPropertyValues("test.second-port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOfSatisfying(ServerListenException.class, (ex) -> {
						assertThat(ex.getListener().index()).isOne();
						assertThat(ex.getPort()).isEqualTo(taken.getLocalPort());
						assertThat(ex).hasMessageContaining("(listener 1)");
					});
			});
		}
	}

	private static Integer port(Environment environment, String property) {
		return environment.getRequiredProperty(property, Integer.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoListenerConfiguration {

		@Bean
		TwoListenerServer multiServer(ApplicationEventPublisher publisher, WorkerPool workers,
				Environment environment) {
			int secondPort = environment.getProperty("test.second-port", Integer.class, 0);
			return new TwoListenerServer("multi", ListenSettings.builder().build(), 0, secondPort, publisher,
					workers.executor(), List.of());
		}

	}

}
