package dev.qtserver.autoconfigure.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.context.QtServerPortInfoApplicationContextInitializer;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.http.JsonCodec;
import dev.qtserver.http.PathVariable;
import dev.qtserver.http.HalfClose;
import dev.qtserver.http.HttpServerSettings;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.QHttpServerFactory;
import dev.qtserver.http.Route;
import dev.qtserver.http.RouteSupport;
import dev.qtserver.test.LeakDetectionExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpServerAutoConfiguration}, with real requests from the JDK's HTTP
 * client where a server serves.
 */
@ExtendWith(LeakDetectionExtension.class)
class HttpServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, HttpServerAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withPropertyValues("qtserver.http.web.address=127.0.0.1");

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void whenNoServerIsDeclaredThenOnlyTheFactoryExists() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QtServerAutoConfiguration.class, HttpServerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QHttpServer.class);
				assertThat(context).hasSingleBean(QHttpServerFactory.class);
				assertThat(context).hasSingleBean(RouteSupport.class);
			});
	}

	@Test
	void whenAServerIsDeclaredThenItsBeanServesTheRoutesOfItsHandlers() {
		this.runner.withUserConfiguration(Routes.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(QHttpServer.class)).containsOnlyKeys("webHttpServer");
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.qtserver.http.web.port", "0"));
			assertThat(get(port, "/hello/Ada").body()).isEqualTo("hello Ada");
		});
	}

	@Test
	void whenListenersAreDeclaredThenTheServerListensOnEachInOrder() {
		this.runner.withUserConfiguration(Routes.class)
			.withPropertyValues("qtserver.http.web.listeners[0].port=0", "qtserver.http.web.listeners[1].port=0")
			.run((context) -> {
				QHttpServer server = context.getBean(QHttpServer.class);
				assertThat(server.servers()).hasSize(2);
				assertThat(server.isListening()).as("listening once the context has started").isTrue();
				List<Integer> ports = server.serverPorts();
				assertThat(ports).hasSize(2).doesNotHaveDuplicates();
				for (int port : ports) {
					assertThat(get(port, "/hello/listener").body()).isEqualTo("hello listener");
				}
				assertThat(context.getEnvironment().getProperty("local.qtserver.http.web.listeners[1].port"))
					.isEqualTo(String.valueOf(ports.get(1)));
			});
	}

	@Test
	void whenAValueBreaksARuleThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.http.web.max-header-count=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("qtserver.http.web.max-header-count");
		});
	}

	@Test
	void whenClientLimitsAreSetThenTheServerHasThem() {
		this.runner
			.withPropertyValues("qtserver.http.web.rate-limit-per-second=50",
					"qtserver.http.web.allowed-addresses=10.0.0.0/8,127.0.0.1",
					"qtserver.http.web.denied-addresses[0]=10.1.0.0/16")
			.run((context) -> {
				HttpServerSettings settings = context.getBean(QHttpServer.class).settings();
				assertThat(settings.rateLimitPerSecond()).isEqualTo(50);
				assertThat(settings.allowedAddresses()).containsExactly("10.0.0.0/8", "127.0.0.1");
				assertThat(settings.deniedAddresses()).containsExactly("10.1.0.0/16");
			});
	}

	@Test
	void whenHalfCloseIsSetThenTheServerHasItAndItCancelsByDefault() {
		this.runner.run((context) -> assertThat(context.getBean(QHttpServer.class).settings().halfClose())
			.isEqualTo(HalfClose.CANCEL));
		this.runner.withPropertyValues("qtserver.http.web.half-close=answer")
			.run((context) -> assertThat(context.getBean(QHttpServer.class).settings().halfClose())
				.isEqualTo(HalfClose.ANSWER));
	}

	@Test
	void whenAnAddressBlockIsNotOneThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues("qtserver.http.web.denied-addresses=example.com").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("qtserver.http.web.denied-addresses");
		});
	}

	@Test
	void whenAWebSocketValueBreaksARuleThenStartupFailsNamingTheNestedProperty() {
		this.runner
			.withPropertyValues("qtserver.http.web.websocket.path=/ws",
					"qtserver.http.web.websocket.handshake-timeout=-1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.hasMessageContaining("qtserver.http.web.websocket.handshake-timeout");
			});
	}

	@Test
	void whenAWebSocketPathIsSetThenTheServerHasAWebSocketServerForItsUpgrades() {
		this.runner.withPropertyValues("qtserver.http.web.websocket.path=/ws").run((context) -> {
			QHttpServer server = context.getBean(QHttpServer.class);
			assertThat(server.webSocketServer()).isNotNull();
			assertThat(server.webSocketServer().settings().path()).isEqualTo("/ws");
		});
		this.runner.run((context) -> assertThat(context.getBean(QHttpServer.class).webSocketServer()).isNull());
	}

	@Test
	void whenAHandlerHasSessionMethodsButNoWebSocketPathIsSetThenStartupFailsSayingSo() {
		this.runner.withUserConfiguration(Sessions.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidHandlerException.class)
				.hasMessageContaining("qtserver.http.web.websocket.path");
		});
	}

	@Test
	void whenTheApplicationHasAJsonMapperThenRoutesWriteJsonWithIt() {
		this.runner.withUserConfiguration(Mapper.class, Json.class).run((context) -> {
			assertThat(context).hasSingleBean(JsonCodec.class);
			QHttpServer server = context.getBean(QHttpServer.class);
			assertThat(get(server.serverPort(), "/json").body()).isEqualTo("{\"name\":\"Ada\"}");
		});
	}

	@Test
	void whenThereIsNoJsonMapperThenARouteReturningAnObjectFailsAtStartupNamingIt() {
		this.runner.withUserConfiguration(Json.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidHandlerException.class)
				.hasMessageContaining("People.person()");
		});
	}

	@Test
	void whenJacksonIsNotOnTheClasspathThenTheServerStillServesText() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(Routes.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(JsonCodec.class);
				QHttpServer server = context.getBean(QHttpServer.class);
				assertThat(get(server.serverPort(), "/hello/text").body()).isEqualTo("hello text");
			});
	}

	@Test
	void whenTheApplicationDefinesRouteSupportOrAFactoryThenItsOwnAreUsed() {
		this.runner.withUserConfiguration(OwnSupport.class).run((context) -> {
			assertThat(context).hasSingleBean(RouteSupport.class);
			assertThat(context.getBean(RouteSupport.class)).isSameAs(OwnSupport.SUPPORT);
			assertThat(context).hasSingleBean(QHttpServerFactory.class);
		});
	}

	private HttpResponse<String> get(int port, String path) {
		try {
			return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		Hello hello() {
			return new Hello();
		}

	}

	@QtHandler(server = "web")
	static class Hello {

		@Route(value = "/hello/{name}", methods = "GET")
		String hello(@PathVariable("name") String name) {
			return "hello " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Sessions {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	@QtHandler(server = "web")
	static class Echo {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Mapper {

		@Bean
		JsonMapper jsonMapper() {
			return JsonMapper.builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Json {

		@Bean
		People people() {
			return new People();
		}

	}

	@QtHandler(server = "web")
	static class People {

		@Route(value = "/json", methods = "GET")
		Person person() {
			return new Person("Ada");
		}

	}

	record Person(String name) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnSupport {

		static final RouteSupport SUPPORT = new RouteSupport(ApplicationConversionService.getSharedInstance(), null);

		@Bean
		RouteSupport ownRouteSupport() {
			return SUPPORT;
		}

	}

}
