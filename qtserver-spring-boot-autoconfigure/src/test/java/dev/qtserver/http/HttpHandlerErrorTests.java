package dev.qtserver.http;

import java.time.Duration;

import dev.qtserver.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that throws: the client gets a bare 500, the application an
 * {@link HttpHandlerErrorEvent}, the statistics an error and the log a warning, and the
 * connection keeps serving.
 */
class HttpHandlerErrorTests {

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenARouteThrowsThenTheClientGets500WithoutDetailsAndTheConnectionKeepsServing() throws Exception {
		QHttpServer server = this.fixture.start(new Failing());
		try (LogCapture log = LogCapture.of(RequestDispatcher.class);
				RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/fail");
			RawHttpClient.Response failed = client.read();
			assertThat(failed.status()).isEqualTo(500);
			assertThat(failed.text()).doesNotContain("secret").doesNotContain("Exception").doesNotContain("at ");
			client.get("/ok");
			assertThat(client.read().text()).isEqualTo("fine");
			client.get("/fail-later");
			assertThat(client.read().status()).isEqualTo(500);
			client.get("/ok");
			assertThat(client.read().text()).isEqualTo("fine");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.fixture.eventsOf(HttpHandlerErrorEvent.class).size() == 2);
			assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class))
				.extracting((event) -> event.getRequest().path(), (event) -> event.getError().getMessage())
				.containsExactly(org.assertj.core.groups.Tuple.tuple("/fail", "secret detail"),
						org.assertj.core.groups.Tuple.tuple("/fail-later", "secret later"));
			assertThat(server.statistics().errors()).isEqualTo(2);
			assertThat(log.messages()).filteredOn((message) -> message.startsWith("WARN"))
				.hasSize(2)
				.allSatisfy((message) -> assertThat(message).contains("'web'").contains("a handler failed"));
		}
	}

	@Test
	void whenTheWorkersRefuseARoutesCallThenTheClientGets503AndLaterCallsAreServed() throws Exception {
		QHttpServer server = this.fixture.start(new Failing());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			this.fixture.refuseWork(true);
			client.get("/ok");
			assertThat(client.read().status()).isEqualTo(503);
			this.fixture.refuseWork(false);
			client.get("/ok");
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("fine");
		}
	}

	@Test
	void whenTheWorkersRefuseTheAfterRequestHandlersThenTheClientGets503AndLaterResponsesPassThem() throws Exception {
		// the route runs on the event loop, the plain after-request handler on a worker
		QHttpServer server = this.fixture.start(new Failing(),
				(AfterRequestHandler) (request, response) -> response.header("X-After", "ran"));
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			this.fixture.refuseWork(true);
			client.get("/ok-now");
			RawHttpClient.Response refused = client.read();
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.text()).isEmpty();
			this.fixture.refuseWork(false);
			client.get("/ok-now");
			RawHttpClient.Response served = client.read();
			assertThat(served.status()).isEqualTo(200);
			assertThat(served.text()).isEqualTo("fine now");
			assertThat(served.header("x-after")).isEqualTo("ran");
		}
	}

	@Test
	void whenAnHttpRequestHandlerThrowsThenTheClientGets500AndTheNextRequestIsServed() throws Exception {
		QHttpServer server = this.fixture.start((HttpRequestHandler) (request, responder) -> {
			if (request.path().equals("/boom")) {
				throw new IllegalStateException("boom");
			}
			responder.write("ok");
			return true;
		});
		try (LogCapture log = LogCapture.of(RequestDispatcher.class);
				RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/boom");
			assertThat(client.read().status()).isEqualTo(500);
			client.get("/ok");
			assertThat(client.read().text()).isEqualTo("ok");
			assertThat(server.statistics().errors()).isEqualTo(1);
			assertThat(log.messages()).singleElement().asString().startsWith("WARN");
		}
	}

	@Test
	void whenAResponseHasAContentTypeThatWouldSplitTheHeadersThenTheClientGets500AndTheNextRequestIsServed()
			throws Exception {
		QHttpServer server = this.fixture.start(new BadContentType());
		try (LogCapture log = LogCapture.of(RequestDispatcher.class);
				RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/split");
			RawHttpClient.Response failed = client.read();
			assertThat(failed.status()).isEqualTo(500);
			assertThat(failed.header("x-injected")).isNull();
			client.get("/ok");
			assertThat(client.read().text()).isEqualTo("fine");
			assertThat(server.statistics().errors()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.fixture.eventsOf(HttpHandlerErrorEvent.class).size() == 1);
			assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getError()).isInstanceOf(IllegalArgumentException.class));
			assertThat(log.messages()).singleElement().asString().startsWith("WARN");
		}
	}

	static class BadContentType {

		@Route("/split")
		QHttpServerResponse split() {
			return new QHttpServerResponse(200, "text/plain\r\nX-Injected: yes", new byte[] { 'x' });
		}

		@Route("/ok")
		String ok() {
			return "fine";
		}

	}

	static class Failing {

		@Route("/fail")
		String fail() {
			throw new IllegalStateException("secret detail");
		}

		@Route("/fail-later")
		reactor.core.publisher.Mono<String> failLater() {
			return reactor.core.publisher.Mono.error(new IllegalStateException("secret later"));
		}

		@Route("/ok")
		String ok() {
			return "fine";
		}

		@Route("/ok-now")
		reactor.core.publisher.Mono<String> okNow() {
			return reactor.core.publisher.Mono.just("fine now");
		}

	}

}
