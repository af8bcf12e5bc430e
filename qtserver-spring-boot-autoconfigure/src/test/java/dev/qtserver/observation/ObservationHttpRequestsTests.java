package dev.qtserver.observation;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.HandlerCall;
import dev.qtserver.http.HttpServerFixture;
import dev.qtserver.http.PathVariable;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.Route;
import dev.qtserver.test.HttpReplies;
import dev.qtserver.test.RecordingObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ObservationHttpRequests} and the route calls of
 * {@link ObservationHandlerCalls}: real requests from the JDK's client and raw sockets to
 * a server on loopback, and the observations they leave.
 */
class ObservationHttpRequestsTests {

	private final HttpServerFixture servers = new HttpServerFixture();

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final RecordingObservationHandler recorded = new RecordingObservationHandler();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@AfterEach
	void close() {
		this.servers.close();
	}

	@Test
	void whenRequestsAreAnsweredThenEachIsOneObservationWithTheTimersKeys() throws Exception {
		QHttpServer server = observedServer(new Routes());
		for (String name : new String[] { "Ada", "Bob" }) {
			assertThat(send(server, "/hello/" + name).statusCode()).isEqualTo(200);
		}
		assertThat(send(server, "/nothing/here").statusCode()).isEqualTo(404);
		assertThat(send(server, "/fail").statusCode()).isEqualTo(500);
		assertThat(send(server, "/later").statusCode()).isEqualTo(200);
		List<Observation.Context> requests = awaitRequests(5);
		assertThat(requests).extracting((context) -> RecordingObservationHandler.key(context, "route"))
			.containsExactlyInAnyOrder("/hello/{name}", "/hello/{name}", "NOT_FOUND", "/fail", "/later");
		Observation.Context hello = requests.stream()
			.filter((context) -> "/hello/Ada".equals(context.getHighCardinalityKeyValue("http.url").getValue()))
			.findFirst()
			.orElseThrow();
		assertThat(hello.getLowCardinalityKeyValues().stream().map((kv) -> kv.getKey() + "=" + kv.getValue()))
			.containsExactlyInAnyOrder("method=GET", "status=200", "outcome=SUCCESS", "route=/hello/{name}",
					"server=web", "kind=http");
		assertThat(hello.getContextualName()).isEqualTo("http get /hello/{name}");
		Observation.Context missing = byRoute(requests, "NOT_FOUND");
		assertThat(RecordingObservationHandler.key(missing, "status")).isEqualTo("404");
		assertThat(RecordingObservationHandler.key(missing, "outcome")).isEqualTo("CLIENT_ERROR");
		Observation.Context failed = byRoute(requests, "/fail");
		assertThat(RecordingObservationHandler.key(failed, "outcome")).isEqualTo("SERVER_ERROR");
		assertThat(failed.getError()).isInstanceOf(IllegalStateException.class).hasMessage("failed on purpose");
		assertThat(this.registry).doesNotHaveAnyRemainingCurrentObservation();
	}

	@Test
	void whenARouteIsCalledThenItsObservationIsAChildOfTheRequestsAndCurrentInTheMethod() throws Exception {
		Routes routes = new Routes();
		QHttpServer server = observedServer(routes);
		// on a worker (a synchronous method) and on the event loop (a Mono)
		assertThat(send(server, "/hello/Ada").statusCode()).isEqualTo(200);
		assertThat(send(server, "/later").statusCode()).isEqualTo(200);
		List<Observation.Context> requests = awaitRequests(2);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.recorded.stopped(DefaultHandlerCallObservationConvention.NAME).size() == 2);
		for (Observation.Context call : this.recorded.stopped(DefaultHandlerCallObservationConvention.NAME)) {
			assertThat(RecordingObservationHandler.key(call, "call")).isEqualTo(HandlerCall.ROUTE.tagValue());
			assertThat(call.getParentObservation()).isNotNull();
			assertThat(requests).anyMatch((request) -> request == call.getParentObservation().getContextView());
		}
		assertThat(this.recorded.stopped(DefaultHandlerCallObservationConvention.NAME))
			.extracting((call) -> RecordingObservationHandler.key(call, "handler"))
			.containsExactlyInAnyOrder("Routes.hello(String)", "Routes.later()");
		// what the methods saw as current: their own call's observation
		assertThat(routes.currentInHello.getContextView().getName())
			.isEqualTo(DefaultHandlerCallObservationConvention.NAME);
		assertThat(routes.currentInLater).isNotNull();
	}

	@Test
	void whenTheClientLeavesBeforeTheResponseThenTheObservationEndsWithUnknownStatus() throws Exception {
		Routes routes = new Routes();
		QHttpServer server = observedServer(routes);
		try (Socket socket = new Socket(HttpServerFixture.LOOPBACK, server.serverPort())) {
			OutputStream out = socket.getOutputStream();
			out.write("GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			assertThat(routes.hanging.await(5, TimeUnit.SECONDS)).isTrue();
		}
		Observation.Context gone = awaitRequests(1).get(0);
		assertThat(RecordingObservationHandler.key(gone, "status")).isEqualTo("UNKNOWN");
		assertThat(RecordingObservationHandler.key(gone, "outcome")).isEqualTo("UNKNOWN");
		assertThat(RecordingObservationHandler.key(gone, "route")).isEqualTo("/hang");
	}

	@Test
	void whenNoObserverIsGivenThenRequestsAreServedAndNothingIsObserved() throws Exception {
		QHttpServer server = this.servers.start(new Routes());
		assertThat(server.requestObservations()).isNull();
		assertThat(server.handlerCallObserver()).isNull();
		assertThat(send(server, "/hello/Ada").body()).isEqualTo("hello Ada");
		assertThat(send(server, "/fail").statusCode()).isEqualTo(500);
		assertThat(this.recorded.stopped(DefaultHttpServerRequestObservationConvention.NAME)).isEmpty();
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	private QHttpServer observedServer(Routes routes) {
		this.registry.observationConfig().observationHandler(this.recorded);
		routes.registry = this.registry;
		QHttpServer server = this.servers.start(routes);
		new QtServerObservationBinder(List::of, new ObservationHandlerCalls(this.registry, null, false),
				new ObservationHttpRequests(this.registry, null))
			.bind(server);
		return server;
	}

	private List<Observation.Context> awaitRequests(int count) {
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.recorded.stopped(DefaultHttpServerRequestObservationConvention.NAME).size() >= count);
		List<Observation.Context> requests = this.recorded.stopped(DefaultHttpServerRequestObservationConvention.NAME);
		assertThat(requests).hasSize(count);
		return requests;
	}

	private static Observation.Context byRoute(List<Observation.Context> requests, String route) {
		return requests.stream()
			.filter((context) -> route.equals(RecordingObservationHandler.key(context, "route")))
			.findFirst()
			.orElseThrow();
	}

	private HttpResponse<String> send(QHttpServer server, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.serverPort() + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return HttpReplies.send(this.client, request, HttpResponse.BodyHandlers.ofString());
	}

	static class Routes {

		volatile ObservationRegistry registry = ObservationRegistry.NOOP;

		volatile Observation currentInHello;

		volatile Observation currentInLater;

		final CountDownLatch hanging = new CountDownLatch(1);

		@Route(value = "/hello/{name}", methods = "GET")
		String hello(@PathVariable("name") String name) {
			this.currentInHello = this.registry.getCurrentObservation();
			return "hello " + name;
		}

		@Route(value = "/later", methods = "GET")
		Mono<String> later() {
			this.currentInLater = this.registry.getCurrentObservation();
			return Mono.just("later");
		}

		@Route(value = "/fail", methods = "GET")
		String fail() {
			throw new IllegalStateException("failed on purpose");
		}

		@Route(value = "/hang", methods = "GET")
		CompletableFuture<String> hang() {
			this.hanging.countDown();
			return new CompletableFuture<>();
		}

	}

}
