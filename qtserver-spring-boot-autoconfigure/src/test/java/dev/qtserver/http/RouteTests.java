package dev.qtserver.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.qtserver.test.HttpReplies;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Route @Route} methods driven by the JDK's HttpClient and curl: typed path
 * variables, query and header parameters, bodies, every return type, 405, handler order,
 * missing and after-request handlers.
 */
class RouteTests {

	/**
	 * A lost reply fails its test instead of hanging the build, with a thread dump
	 * ({@link HttpReplies}).
	 */
	private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

	/** Two-, three- and four-byte UTF-8 characters. */
	private static final String UNICODE = "caf\u00e9 \u20ac \ud83d\ude00";

	private final HttpServerFixture fixture = new HttpServerFixture();

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenAPathVariableConvertsThenTheRouteGetsItTyped() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertThat(get(server, "/users/42").body()).isEqualTo("user 42 (Long)");
		assertThat(get(server, "/users/-1").body()).isEqualTo("user -1 (Long)");
	}

	@Test
	void whenARouteReturnsTextThenItsUtf8BytesAreSentWithTheirLength() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		HttpResponse<byte[]> response = HttpReplies.send(this.client,
				HttpRequest.newBuilder(uri(server, "/reply/unicode")).timeout(REPLY_TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofByteArray());
		byte[] expected = UNICODE.getBytes(StandardCharsets.UTF_8);
		assertThat(response.body()).isEqualTo(expected);
		assertThat(response.headers().firstValueAsLong("content-length")).hasValue(expected.length);
		assertThat(response.headers().firstValue("content-type")).hasValue("text/plain;charset=UTF-8");
	}

	@Test
	void whenAnAfterRequestHandlerChangesATextBodyInPlaceThenTheChangeIsSent() throws Exception {
		QHttpServer server = this.fixture.start(new Routes(), (AfterRequestHandler) (request, response) -> {
			if (request.path().equals("/reply/string")) {
				response.body()[0] = 'A';
			}
		});
		assertThat(get(server, "/reply/string").body()).isEqualTo("A string");
	}

	@Test
	void whenAPathVariableDoesNotConvertThenTheRouteDoesNotMatch() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		HttpResponse<String> response = get(server, "/users/abc");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEmpty();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> !this.fixture.eventsOf(MissingHandlerEvent.class).isEmpty());
		assertThat(this.fixture.eventsOf(MissingHandlerEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getRequest().path()).isEqualTo("/users/abc"));
	}

	@Test
	void whenAPathVariableDoesNotConvertThenAMoreGeneralRouteMayTakeIt() throws Exception {
		QHttpServer server = this.fixture.start(new Routes(), new TextUsers());
		assertThat(get(server, "/users/abc").body()).isEqualTo("named abc");
	}

	@Test
	void whenQueryAndHeaderParametersAreSentThenTheyAreConverted() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		HttpResponse<String> response = HttpReplies.send(this.client,
				HttpRequest.newBuilder(uri(server, "/params?page=3&q=a%20b"))
					.timeout(REPLY_TIMEOUT)
					.header("X-Count", "7")
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.body()).isEqualTo("page=3 q=a b count=7");
		assertThat(get(server, "/params").body()).isEqualTo("page=null q=null count=null");
	}

	@Test
	void whenAQueryParameterDoesNotConvertThenTheAnswerIs400() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertThat(get(server, "/params?page=three").statusCode()).isEqualTo(400);
	}

	/**
	 * A request whose target is a whole URL (absolute form, which a server must accept:
	 * RFC 9112 §3.2.2) is routed by its path and query.
	 * @param target the request target
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http://localhost/params?page=3", "HTTP://localhost:1/params?page=3",
			"https://x.example/params?page=3" })
	void whenTheTargetIsAWholeUrlThenTheRequestIsRoutedByItsPathAndQuery(String target) throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(client.read().text()).isEqualTo("page=3 q=null count=null");
		}
	}

	/**
	 * A query escaped wrongly is the client's error, not a failed handler.
	 * @param query the query curl sends as it is
	 */
	@ParameterizedTest
	@ValueSource(strings = { "page=%zz", "page=%", "page=%2", "q=ok%G1", "page=1&q=%" })
	void whenAQueryIsNotValidlyEscapedThenTheAnswerIs400AndNoHandlerFailed(String query) {
		QHttpServer server = this.fixture.start(new Routes());
		String status = Curl.run("-o", "/dev/null", "-w", "%{http_code}",
				"http://127.0.0.1:" + server.serverPort() + "/params?" + query);
		assertThat(status).isEqualTo("400");
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).isEmpty();
		assertThat(Curl.run("http://127.0.0.1:" + server.serverPort() + "/params?page=%33"))
			.isEqualTo("page=3 q=null count=null");
	}

	@Test
	void whenABodyIsPostedThenStringBytesAndJsonRecordParametersGetIt() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertThat(post(server, "/body/text", "plain text").body()).isEqualTo("text:plain text");
		assertThat(post(server, "/body/bytes", "four").body()).isEqualTo("bytes:4");
		HttpResponse<String> json = post(server, "/body/json", "{\"name\":\"ada\",\"age\":36}");
		assertThat(json.statusCode()).isEqualTo(200);
		assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
		assertThat(json.body()).isEqualTo("{\"name\":\"ADA\",\"age\":37}");
	}

	@Test
	void whenAJsonBodyIsMalformedThenTheAnswerIs400() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertThat(post(server, "/body/json", "{not json").statusCode()).isEqualTo(400);
	}

	@Test
	void whenRoutesReturnEachSupportedTypeThenTheClientGetsTheMatchingResponse() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertResponse(get(server, "/reply/string"), 200, "text/plain;charset=UTF-8", "a string");
		assertResponse(get(server, "/reply/bytes"), 200, "application/octet-stream", "raw");
		assertResponse(get(server, "/reply/response"), 201, "text/x-custom", "made");
		assertThat(get(server, "/reply/response").headers().firstValue("x-made")).hasValue("yes");
		assertResponse(get(server, "/reply/record"), 200, "application/json", "{\"name\":\"bob\",\"age\":5}");
		assertResponse(get(server, "/reply/mono"), 200, "text/plain;charset=UTF-8", "from mono");
		assertResponse(get(server, "/reply/stage"), 200, "application/json", "{\"name\":\"later\",\"age\":1}");
		assertResponse(get(server, "/reply/void"), 202, "text/plain;charset=UTF-8", "written");
		assertThat(get(server, "/reply/nothing").statusCode()).isEqualTo(200);
		assertThat(get(server, "/reply/nothing").body()).isEmpty();
		assertThat(get(server, "/reply/empty-mono").statusCode()).isEqualTo(200);
	}

	@Test
	void whenARouteReturnsAFluxThenItsElementsArriveAsChunks() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		try (RawHttpClient raw = RawHttpClient.connect(server.serverPort())) {
			raw.get("/reply/flux");
			RawHttpClient.Response response = raw.read();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
			assertThat(response.text()).isEqualTo("one,two,three,");
		}
	}

	@Test
	void whenThePathMatchesButNotTheMethodThenTheAnswerIs405WithAllow() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		HttpResponse<String> response = post(server, "/users/42", "x");
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("allow")).hasValue("DELETE, GET, HEAD");
		assertThat(response.body()).isEmpty();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> this.fixture.eventsOf(MissingHandlerEvent.class).size() == 1);
	}

	@Test
	void whenSeveralHandlersCouldTakeARequestThenTheFirstThatTakesItWins() throws Exception {
		Passing passing = new Passing();
		QHttpServer server = this.fixture.start(passing, new Taking("first"), new Taking("second"));
		assertThat(get(server, "/anything").body()).isEqualTo("first");
		assertThat(passing.asked).hasValue(1);
	}

	/**
	 * A request for a route's exact path (no variables) goes straight to it only when
	 * nothing before it could take the request: handlers before it are still asked, a
	 * route before it whose variables match the path still wins, and routes that share
	 * the path still split its methods.
	 */
	@Test
	void whenAHandlerBeforeAnExactPathRouteIsBoundThenItIsStillAskedFirst() throws Exception {
		Passing passing = new Passing();
		QHttpServer server = this.fixture.start(passing, new Routes());
		for (int i = 1; i <= 3; i++) {
			assertThat(get(server, "/reply/string").body()).isEqualTo("a string");
			assertThat(passing.asked).hasValue(i);
		}
	}

	@Test
	void whenARouteWithAVariableBeforeAnExactPathRouteMatchesThePathThenItTakesTheRequest() throws Exception {
		QHttpServer server = this.fixture.start(new AnyReply(), new Routes());
		assertThat(get(server, "/reply/string").body()).isEqualTo("any string");
		assertThat(get(server, "/reply/string?x=1").body()).isEqualTo("any string");
		assertThat(get(server, "/reply/bytes").body()).isEqualTo("any bytes");
	}

	@Test
	void whenRoutesShareAnExactPathThenEachTakesItsMethodsAndTheRestGet405() throws Exception {
		QHttpServer server = this.fixture.start(new SharedPath());
		assertThat(get(server, "/shared").body()).isEqualTo("read");
		assertThat(post(server, "/shared", "x").body()).isEqualTo("written");
		HttpResponse<String> other = HttpReplies.send(this.client,
				HttpRequest.newBuilder(uri(server, "/shared"))
					.timeout(REPLY_TIMEOUT)
					.method("PUT", HttpRequest.BodyPublishers.ofString("x"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(other.statusCode()).isEqualTo(405);
		assertThat(other.headers().firstValue("allow")).hasValue("GET, HEAD, POST");
	}

	@Test
	void whenAnExactPathIsSentWithEscapesOrAQueryThenItsRouteStillTakesIt() throws Exception {
		QHttpServer server = this.fixture.start(new Routes());
		assertThat(get(server, "/reply/str%69ng").body()).isEqualTo("a string");
		assertThat(get(server, "/reply/string?page=2").body()).isEqualTo("a string");
		assertThat(get(server, "/reply/string/").statusCode()).isEqualTo(404);
		assertThat(get(server, "/reply//string").statusCode()).isEqualTo(404);
	}

	@Test
	void whenEveryHandlerPassesThenTheMissingHandlerEventIsPublishedAndTheAnswerIs404() throws Exception {
		Passing passing = new Passing();
		QHttpServer server = this.fixture.start(passing);
		HttpResponse<String> response = get(server, "/nobody");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEmpty();
		assertThat(response.headers().firstValue("content-length")).hasValue("0");
		assertThat(passing.asked).hasValue(1);
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> !this.fixture.eventsOf(MissingHandlerEvent.class).isEmpty());
		assertThat(this.fixture.eventsOf(MissingHandlerEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getRequest().path()).isEqualTo("/nobody"));
	}

	@Test
	void whenAMissingHandlerIsBoundThenItAnswersInsteadOf404AndTheEventIsStillPublished() throws Exception {
		QHttpServer server = this.fixture.start(new Routes(), new Missing());
		HttpResponse<String> response = get(server, "/nowhere");
		assertThat(response.statusCode()).isEqualTo(418);
		assertThat(response.body()).isEqualTo("no /nowhere here");
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> this.fixture.eventsOf(MissingHandlerEvent.class).size() == 1);
		assertThat(get(server, "/reply/string").body()).isEqualTo("a string");
	}

	@Test
	void whenAnAfterRequestHandlerIsBoundThenEveryResponseIncluding404And405PassesIt() throws Exception {
		QHttpServer server = this.fixture.start(new Routes(), new Stamp());
		assertThat(get(server, "/reply/string").headers().firstValue("x-stamp")).hasValue("200");
		HttpResponse<String> missing = get(server, "/nowhere");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.headers().firstValue("x-stamp")).hasValue("404");
		assertThat(post(server, "/users/1", "x").headers().firstValue("x-stamp")).hasValue("405");
		HttpResponse<String> changed = get(server, "/reply/bytes");
		assertThat(changed.body()).isEqualTo("raw!");
	}

	@Test
	void whenCurlCallsARouteThenItGetsTheSameAnswer() {
		QHttpServer server = this.fixture.start(new Routes());
		String output = Curl.run("-i", "-H", "X-Count: 2",
				"http://127.0.0.1:" + server.serverPort() + "/params?page=1");
		assertThat(output).startsWith("HTTP/1.1 200").endsWith("page=1 q=null count=2");
	}

	private static void assertResponse(HttpResponse<String> response, int status, String contentType, String body) {
		assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
		assertThat(response.headers().firstValue("content-type")).as(response.uri().toString()).hasValue(contentType);
		assertThat(response.body()).isEqualTo(body);
	}

	private HttpResponse<String> get(QHttpServer server, String path) throws Exception {
		return HttpReplies.send(this.client, HttpRequest.newBuilder(uri(server, path)).timeout(REPLY_TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(QHttpServer server, String path, String body) throws Exception {
		return HttpReplies.send(this.client,
				HttpRequest.newBuilder(uri(server, path))
					.timeout(REPLY_TIMEOUT)
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.header("Content-Type", "application/json")
					.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(QHttpServer server, String path) {
		return URI.create("http://127.0.0.1:" + server.serverPort() + path);
	}

	record Person(String name, int age) {
	}

	static class Routes {

		@Route(value = "/users/{id}", methods = { "GET", "DELETE" })
		String user(@PathVariable Long id) {
			return "user " + id + " (" + id.getClass().getSimpleName() + ")";
		}

		@Route("/params")
		String params(@RequestParam("page") @Nullable Integer page, @RequestParam("q") @Nullable String q,
				@RequestHeader("X-Count") @Nullable Integer count) {
			return "page=" + page + " q=" + q + " count=" + count;
		}

		@Route(value = "/body/text", methods = "POST")
		String text(@RequestBody String body) {
			return "text:" + body;
		}

		@Route(value = "/body/bytes", methods = "POST")
		String bytes(@RequestBody byte[] body) {
			return "bytes:" + body.length;
		}

		@Route(value = "/body/json", methods = "POST")
		Person json(@RequestBody Person person) {
			return new Person(person.name().toUpperCase(), person.age() + 1);
		}

		@Route("/reply/string")
		String string() {
			return "a string";
		}

		@Route("/reply/unicode")
		String unicode() {
			return UNICODE;
		}

		@Route("/reply/bytes")
		byte[] rawBytes() {
			return "raw".getBytes(StandardCharsets.UTF_8);
		}

		@Route("/reply/response")
		QHttpServerResponse response() {
			return new QHttpServerResponse(201, "text/x-custom", "made".getBytes(StandardCharsets.UTF_8))
				.header("X-Made", "yes");
		}

		@Route("/reply/record")
		Person record() {
			return new Person("bob", 5);
		}

		@Route("/reply/mono")
		Mono<String> mono() {
			return Mono.just("from mono");
		}

		@Route("/reply/empty-mono")
		Mono<String> emptyMono() {
			return Mono.empty();
		}

		@Route("/reply/stage")
		CompletionStage<Person> stage() {
			// completed on a thread of its own, so that the reply is written from outside
			// the event loop
			CompletableFuture<Person> later = new CompletableFuture<>();
			new Thread(() -> later.complete(new Person("later", 1)), "stage-route").start();
			return later;
		}

		@Route("/reply/flux")
		Flux<String> flux() {
			return Flux.just("one,", "two,", "three,");
		}

		@Route("/reply/void")
		void written(QHttpServerResponder responder) {
			responder.write(new QHttpServerResponse(202, "text/plain;charset=UTF-8",
					"written".getBytes(StandardCharsets.UTF_8)));
		}

		@Route("/reply/nothing")
		void nothing() {
		}

	}

	static class AnyReply {

		@Route("/reply/{what}")
		String any(@PathVariable String what) {
			return "any " + what;
		}

	}

	static class SharedPath {

		@Route(value = "/shared", methods = "GET")
		String read() {
			return "read";
		}

		@Route(value = "/shared", methods = "POST")
		String write() {
			return "written";
		}

	}

	static class TextUsers {

		@Route("/users/{name}")
		String user(@PathVariable String name) {
			return "named " + name;
		}

	}

	static class Passing implements HttpRequestHandler {

		final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

		@Override
		public boolean handleRequest(QHttpServerRequest request, QHttpServerResponder responder) {
			this.asked.incrementAndGet();
			return false;
		}

	}

	static class Taking implements HttpRequestHandler {

		private final String name;

		Taking(String name) {
			this.name = name;
		}

		@Override
		public boolean handleRequest(QHttpServerRequest request, QHttpServerResponder responder) {
			responder.write(this.name);
			return true;
		}

	}

	static class Missing implements MissingHandler {

		@Override
		public void handleMissing(QHttpServerRequest request, QHttpServerResponder responder) {
			responder.write(418, "text/plain", ("no " + request.path() + " here").getBytes(StandardCharsets.UTF_8));
		}

	}

	static class Stamp implements AfterRequestHandler {

		@Override
		public void afterRequest(QHttpServerRequest request, QHttpServerResponse response) {
			response.header("X-Stamp", response.status());
			if (request.path().equals("/reply/bytes")) {
				response.setBody("raw!".getBytes(StandardCharsets.UTF_8));
			}
		}

	}

}
