package dev.qtserver.http;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import dev.qtserver.core.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The limits that protect the server, at their edges, from a raw socket: request line
 * (414), header block (431), header count (431), malformed requests (400); after each the
 * server keeps serving.
 */
class HttpLimitsTests {

	private static final int MAX_LINE = 200;

	private static final int MAX_HEADER_COUNT = 10;

	private final HttpServerFixture fixture = new HttpServerFixture();

	private QHttpServer server;

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	private QHttpServer start() {
		this.server = this.fixture.start((settings) -> settings.maxInitialLineLength(MAX_LINE)
			.maxHeaderSize(1024)
			.maxHeaderCount(MAX_HEADER_COUNT), (HttpRequestHandler) (request, responder) -> {
				responder.write("ok " + request.headers().size());
				return true;
			});
		return this.server;
	}

	@ParameterizedTest
	@CsvSource({ "-1, 200", "0, 200", "1, 414" })
	void whenTheRequestLineIsLongerThanTheLimitThenTheAnswerIs414(int beyond, int status) throws Exception {
		start();
		// "GET " + path + " HTTP/1.1" is the request line
		String path = "/" + "p".repeat(MAX_LINE + beyond - "GET  HTTP/1.1".length() - 1);
		assertThat(("GET " + path + " HTTP/1.1").length()).isEqualTo(MAX_LINE + beyond);
		assertThat(exchange("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").status()).isEqualTo(status);
		assertRejected((status == 200) ? new int[0] : new int[] { status });
		assertServes();
	}

	@ParameterizedTest
	@CsvSource({ "200, 200", "2000, 431" })
	void whenTheHeaderBlockIsLargerThanTheLimitThenTheAnswerIs431(int valueLength, int status) throws Exception {
		start();
		assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + "v".repeat(valueLength) + "\r\n\r\n").status())
			.isEqualTo(status);
		assertRejected((status == 200) ? new int[0] : new int[] { status });
		assertServes();
	}

	@ParameterizedTest
	@CsvSource({ "9, 200", "10, 200", "11, 431" })
	void whenThereAreMoreHeaderFieldsThanTheLimitThenTheAnswerIs431(int count, int status) throws Exception {
		start();
		StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
		for (int i = 1; i < count; i++) {
			request.append("X-H").append(i).append(": ").append(i).append("\r\n");
		}
		RawHttpClient.Response response = exchange(request.append("\r\n").toString());
		assertThat(response.status()).isEqualTo(status);
		if (status == 200) {
			assertThat(response.text()).isEqualTo("ok " + count);
		}
		else {
			assertThat(response.header("connection")).isEqualTo("close");
		}
		assertRejected((status == 200) ? new int[0] : new int[] { status });
		assertServes();
	}

	@Test
	void whenARequestIsMalformedThenTheAnswerIs400AndTheConnectionCloses() throws Exception {
		start();
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			client.send("GET /a b c HTTP/1.1\r\nHost: h\r\n\r\n");
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.header("connection")).isEqualTo("close");
			assertThat(client.isClosedByServer()).isTrue();
		}
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			client.send("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n");
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.header("connection")).isEqualTo("close");
		}
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			// after a good request on the same connection
			client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(client.read().text()).isEqualTo("ok 1");
			client.send("GET /a b c HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(400);
			assertThat(client.isClosedByServer()).isTrue();
		}
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			// the head is good, a chunk of the body is not
			client.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(400);
			assertThat(client.isClosedByServer()).isTrue();
		}
		assertRejected(400, 400, 400, 400);
		assertServes();
	}

	/**
	 * An HTTP/1.1 request needs exactly one {@code Host} (RFC 9112 §3.2), an HTTP/1.0 one
	 * none, and a version of another major number is not served (RFC 9110 §15.6.6): each
	 * refusal closes the connection, is counted, and the server serves on.
	 * @param version the request line's version
	 * @param hosts its {@code Host} fields, separated by {@code |}
	 * @param status the answer
	 */
	@ParameterizedTest
	@CsvSource(value = { "HTTP/1.1, h, 200", "HTTP/1.1, '', 400", "HTTP/1.1, a|b, 400", "HTTP/1.1, h|h, 400",
			"HTTP/1.0, '', 200", "HTTP/1.0, h, 200", "HTTP/1.2, h, 200", "HTTP/1.2, '', 400", "HTTP/9.9, h, 505",
			"HTTP/3.0, h, 505", "HTTP/0.9, '', 505" })
	void whenARequestHeadLacksItsHostOrHasAnotherMajorVersionThenItIsRefused(String version, String hosts, int status)
			throws Exception {
		start();
		StringBuilder request = new StringBuilder("GET / ").append(version).append("\r\n");
		for (String host : hosts.split("\\|")) {
			if (!host.isEmpty()) {
				request.append("Host: ").append(host).append("\r\n");
			}
		}
		assertAnsweredOrRefused(request.append("\r\n").toString(), 1, status);
	}

	/**
	 * A body whose length cannot be known from its {@code Transfer-Encoding} (chunked not
	 * last, or twice) is refused with 400 and the connection closes, so that what follows
	 * the head is never read as a request of its own (RFC 9112 §6.3); a coding the server
	 * does not decode before {@code chunked} gets 501 (§6.1). Each field counts, in
	 * order.
	 * @param codings the {@code Transfer-Encoding} fields, separated by {@code |}
	 * @param status the answer
	 */
	@ParameterizedTest
	@CsvSource(value = { "chunked; 200", "Chunked; 200", "CHUNKED; 200", "identity; 400", "xchunked; 400",
			"chunked|gzip; 400", "chunked, gzip; 400", "chunked, chunked; 400", "chunked|chunked; 400",
			"gzip, chunked; 501", "gzip|chunked; 501", "identity, chunked; 501" }, delimiter = ';')
	void whenTheTransferCodingsDoNotEndWithChunkedOnceThenTheRequestIsRefusedAndNothingAfterItIsRead(String codings,
			int status) throws Exception {
		start();
		StringBuilder request = new StringBuilder("POST / HTTP/1.1\r\nHost: h\r\n");
		for (String field : codings.split("\\|")) {
			request.append("Transfer-Encoding: ").append(field).append("\r\n");
		}
		// a chunked body, and a request that would be smuggled in where the body is not
		// read as chunked
		request.append("\r\n3\r\nabc\r\n0\r\n\r\n").append("GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n");
		assertAnsweredOrRefused(request.toString(), 2, status);
	}

	/**
	 * A request target is a path ({@code /a}), a whole URL (which the server must accept
	 * and routes by its path), {@code *} for {@code OPTIONS} or {@code host:port} for
	 * {@code CONNECT}; anything else is refused with 400 (RFC 9112 §3.2).
	 * @param method the method
	 * @param target the request target
	 * @param status the answer
	 */
	@ParameterizedTest
	@CsvSource({ "GET, /, 200", "GET, plaintext, 400", "GET, http://h/a, 200", "GET, HTTPS://h:1/a?b=c, 200",
			"GET, http://h, 200", "GET, ftp://h/a, 400", "OPTIONS, *, 200", "GET, *, 400", "CONNECT, h:443, 200" })
	void whenARequestTargetIsInNoKnownFormThenItIsRefused(String method, String target, int status) throws Exception {
		start();
		assertAnsweredOrRefused(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n", 1, status);
	}

	/**
	 * Send requests on a connection of their own, and assert that they are answered, or
	 * that the first is refused and the connection closes, nothing after it answered; and
	 * that the server serves on.
	 * @param requests what the client sends
	 * @param count how many requests it holds
	 * @param status 200 when each is to be answered, else the refusal's status
	 */
	private void assertAnsweredOrRefused(String requests, int count, int status) throws Exception {
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			client.send(requests);
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(status);
			if (status == 200) {
				assertThat(response.text()).startsWith("ok ");
				for (int i = 1; i < count; i++) {
					assertThat(client.read().text()).startsWith("ok ");
				}
			}
			else {
				assertThat(response.header("connection")).isEqualTo("close");
				assertThat(client.isClosedByServer()).isTrue();
			}
		}
		assertRejected((status == 200) ? new int[0] : new int[] { status });
		assertServes();
	}

	/**
	 * Assert that these refusals, and no others, were published and counted, each with
	 * the client's address.
	 */
	private void assertRejected(int... statuses) {
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.fixture.eventsOf(HttpRequestRejectedEvent.class).size() >= statuses.length);
		List<HttpRequestRejectedEvent> events = this.fixture.eventsOf(HttpRequestRejectedEvent.class);
		assertThat(events).extracting(HttpRequestRejectedEvent::getStatus)
			.containsExactly(IntStream.of(statuses).boxed().toArray(Integer[]::new));
		assertThat(events).allSatisfy((event) -> assertThat(event.getRemoteAddress()).isNotNull()
			.satisfies((address) -> assertThat(address.getAddress().isLoopbackAddress()).isTrue()));
		assertThat(this.server.statistics().rejected(RejectReason.BAD_REQUEST)).isEqualTo(statuses.length);
	}

	private RawHttpClient.Response exchange(String request) throws Exception {
		try (RawHttpClient client = RawHttpClient.connect(this.server.serverPort())) {
			client.send(request);
			return client.read();
		}
	}

	private void assertServes() throws Exception {
		assertThat(exchange("GET / HTTP/1.1\r\nHost: h\r\n\r\n").text()).isEqualTo("ok 1");
	}

}
