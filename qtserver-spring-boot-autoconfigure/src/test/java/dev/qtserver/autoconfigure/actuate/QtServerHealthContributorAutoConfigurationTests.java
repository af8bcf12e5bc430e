package dev.qtserver.autoconfigure.actuate;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.tcp.QTcpServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link QtServerHealthContributorAutoConfiguration}.
 */
class QtServerHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, QtServerHealthContributorAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1",
				"qtserver.websocket.chat.auto-startup=false");

	@Test
	void whenHealthIsOnTheClasspathThenEveryServerHasAnIndicatorGroupedByKind() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(HealthContributor.class).hasBean("qtserversHealthContributor");
			CompositeHealthContributor servers = (CompositeHealthContributor) context
				.getBean("qtserversHealthContributor", HealthContributor.class);
			assertThat(indicator(servers, "tcp", "echo").health().getStatus()).isEqualTo(Status.UP);
			assertThat(indicator(servers, "websocket", "chat").health().getStatus()).isEqualTo(Status.UNKNOWN);
			context.getBean(QTcpServer.class).pauseAccepting();
			assertThat(indicator(servers, "tcp", "echo").health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void whenTheReadinessGroupIncludesQtserversThenAPausedServerTakesTheApplicationOutOfRotation() {
		this.runner
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoint.health.group.readiness.include=qtservers")
			.run((context) -> {
				HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
				assertThat(readiness(endpoint)).isEqualTo(Status.UP);
				QTcpServer server = context.getBean(QTcpServer.class);
				server.pauseAccepting();
				assertThat(readiness(endpoint)).isEqualTo(Status.OUT_OF_SERVICE);
				server.resumeAccepting();
				assertThat(readiness(endpoint)).isEqualTo(Status.UP);
				server.close();
				assertThat(readiness(endpoint)).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void whenTheIndicatorIsDisabledThenThereIsNone() {
		this.runner.withPropertyValues("management.health.qtservers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("qtserversHealthContributor"));
	}

	@Test
	void whenThereIsNoServerThenThereIsNoIndicator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class,
					QtServerHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean("qtserversHealthContributor"));
	}

	@Test
	void whenTheUserDefinesTheContributorThenOursBacksOff() {
		HealthIndicator own = () -> null;
		this.runner.withBean("qtserversHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean("qtserversHealthContributor"));
	}

	@Test
	void whenBootsHealthModuleIsAbsentThenServersWorkWithoutHealth() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthContributor.class)).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("qtserversHealthContributor");
			assertThat(context.getBean(QTcpServer.class).isListening()).isTrue();
		});
	}

	private static Status readiness(HealthEndpoint endpoint) {
		HealthDescriptor health = endpoint.healthForPath("readiness");
		assertThat(health).as("the readiness group").isNotNull();
		return health.getStatus();
	}

	private static HealthIndicator indicator(CompositeHealthContributor servers, String kind, String name) {
		CompositeHealthContributor ofKind = (CompositeHealthContributor) servers.getContributor(kind);
		assertThat(ofKind).as("contributors of kind %s", kind).isNotNull();
		return (HealthIndicator) ofKind.getContributor(name);
	}

}
