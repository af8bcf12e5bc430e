package dev.qtserver.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.http.HttpServerAutoConfiguration;
import dev.qtserver.context.QtServerPortInfoApplicationContextInitializer;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.http.PathVariable;
import dev.qtserver.http.Route;
import dev.qtserver.test.HttpReplies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the HTTP request timer {@value QtServerMeterBinder#HTTP_REQUESTS}: real
 * requests from the JDK's client to an auto-configured HTTP server, and the timers they
 * leave in a registry.
 */
class HttpRequestMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, HttpServerAutoConfiguration.class,
				QtServerMetricsAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withPropertyValues("qtserver.http.web.address=127.0.0.1")
		.withBean(Routes.class);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void whenRequestsAreAnsweredThenEachIsTimedByRoutePatternMethodStatusAndOutcome() {
		this.runner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(QtServerMeterBinder.class).bindTo(registry);
			// three paths, one route: the tag is the pattern, never the path
			for (String name : new String[] { "Ada", "Bob", "Cy" }) {
				assertThat(send(context, "GET", "/hello/" + name).statusCode()).isEqualTo(200);
			}
			assertThat(send(context, "GET", "/nothing/here").statusCode()).isEqualTo(404);
			assertThat(send(context, "POST", "/hello/Ada").statusCode()).isEqualTo(405);
			assertThat(send(context, "GET", "/fail").statusCode()).isEqualTo(500);
			// a method that no standard names: its own tag value would be unbounded
			assertThat(send(context, "BREW", "/hello/Ada").statusCode()).isEqualTo(405);
			// the first tag set again, after others: its own timer, not the last one used
			assertThat(send(context, "GET", "/hello/Dee").statusCode()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(5)).until(() -> total(registry) == 8);
			assertThat(timer(registry, "GET", "200", "SUCCESS", "/hello/{name}").count()).isEqualTo(4);
			assertThat(timer(registry, "GET", "404", "CLIENT_ERROR", "NOT_FOUND").count()).isEqualTo(1);
			assertThat(timer(registry, "POST", "405", "CLIENT_ERROR", "/hello/{name}").count()).isEqualTo(1);
			assertThat(timer(registry, "GET", "500", "SERVER_ERROR", "/fail").count()).isEqualTo(1);
			assertThat(timer(registry, "UNKNOWN", "405", "CLIENT_ERROR", "/hello/{name}").count()).isEqualTo(1);
			Timer hello = timer(registry, "GET", "200", "SUCCESS", "/hello/{name}");
			assertThat(hello.getId().getTag("server")).isEqualTo("web");
			assertThat(hello.getId().getTag("kind")).isEqualTo("http");
			assertThat(hello.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		});
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path)
			throws IOException, InterruptedException {
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.qtserver.http.web.port", "0"));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return HttpReplies.send(this.client, request, HttpResponse.BodyHandlers.ofString());
	}

	private static long total(MeterRegistry registry) {
		Collection<Timer> timers = registry.find(QtServerMeterBinder.HTTP_REQUESTS).timers();
		return timers.stream().mapToLong(Timer::count).sum();
	}

	private static Timer timer(MeterRegistry registry, String method, String status, String outcome, String route) {
		return registry.get(QtServerMeterBinder.HTTP_REQUESTS)
			.tag("method", method)
			.tag("status", status)
			.tag("outcome", outcome)
			.tag("route", route)
			.timer();
	}

	@QtHandler(server = "web")
	static class Routes {

		@Route(value = "/hello/{name}", methods = "GET")
		String hello(@PathVariable("name") String name) {
			return "hello " + name;
		}

		@Route(value = "/fail", methods = "GET")
		String fail() {
			throw new IllegalStateException("failed on purpose");
		}

	}

}
