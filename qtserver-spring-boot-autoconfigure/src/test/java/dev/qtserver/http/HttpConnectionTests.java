package dev.qtserver.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ServerStatistics;
import dev.qtserver.core.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One connection, many requests: pipelining, keep-alive with and without bodies, chunked
 * request bodies, {@code Expect: 100-continue}, and the body size limit at its edges.
 */
class HttpConnectionTests {

	private static final int MAX_BODY = 1000;

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenTenRequestsArePipelinedThenTheyAreAnsweredInOrderEvenIfEarlierOnesFinishLater() throws Exception {
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			StringBuilder pipelined = new StringBuilder();
			for (int i = 0; i < 10; i++) {
				// the earlier the request, the later its answer is ready
				pipelined.append("GET /slow/").append(i).append("?delay=").append((10 - i) * 15);
				pipelined.append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
			}
			client.send(pipelined.toString());
			for (int i = 0; i < 10; i++) {
				RawHttpClient.Response response = client.read();
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.text()).isEqualTo("slow " + i);
			}
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
		}
	}

	@Test
	void whenAPipelinedRequestIsAnsweredAtOnceAfterOneAnsweredLaterThenTheNextRequestIsStillRead() throws Exception {
		// Reactor Netty 1.3.6 and 1.3.7 stop reading a connection when a request
		// they queued is answered within the call that hands it over
		// (reactor/reactor-netty#4361): the third request was never read
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /slow/0?delay=50 HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "GET /now HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(client.read().text()).isEqualTo("slow 0");
			assertThat(client.read().text()).isEqualTo("now");
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
		}
	}

	@Test
	void whenKeepAliveRequestsAreAnsweredByWorkersAndAtOnceInTurnThenEveryOneIsAnswered() throws Exception {
		// written from a worker, an answer could reach the client before Reactor
		// Netty had wound its request up; the next request was then queued, and
		// when answered at once, the connection was left unread (#4361 again): the
		// lost replies of RouteTests, within these 200 rounds in each of three runs
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			for (int i = 0; i < 200; i++) {
				client.get("/echo");
				assertThat(client.read().text()).as("round " + i).isEqualTo("GET /echo ");
				client.get("/now");
				assertThat(client.read().text()).as("round " + i).isEqualTo("now");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 15, 16, 17, 100 })
	void whenBurstsOfRequestsAnsweredAtOnceArePipelinedBeforeAndAfterALateAnswerThenEachIsAnsweredInOrder(int burst)
			throws Exception {
		// answered within the call that hands each over while nothing can be queued on
		// the connection, then in tasks of their own once a late answer could have let
		// Reactor Netty queue one (reactor/reactor-netty#4361)
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			for (int round = 0; round < 3; round++) {
				client.send(pipelined(burst, "/now?n=", round));
				for (int i = 0; i < burst; i++) {
					assertThat(client.read().text()).as("round " + round + ", request " + i).isEqualTo("now");
				}
				client.get("/echo");
				assertThat(client.read().text()).isEqualTo("GET /echo ");
			}
			client.send("GET /slow/1?delay=20 HTTP/1.1\r\nHost: localhost\r\n\r\n" + pipelined(burst, "/now?n=", 9));
			assertThat(client.read().text()).isEqualTo("slow 1");
			for (int i = 0; i < burst; i++) {
				assertThat(client.read().text()).as("behind the slow one, request " + i).isEqualTo("now");
			}
			client.get("/now");
			assertThat(client.read().text()).isEqualTo("now");
		}
	}

	@Test
	void whenAnAnswerAtOnceCannotBeWrittenAtOnceThenThePipelinedRequestsBehindItAreStillAnswered() throws Exception {
		// the first answer is written within the call that handed its request over, but
		// the client reads slowly, so it is still being written when the next requests
		// arrive: Reactor Netty queues them, and they must not be answered within its
		// call (reactor/reactor-netty#4361)
		int size = 4 * 1024 * 1024;
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			client.send(pipelined(3, "/big/" + size + "?n=", 0) + pipelined(2, "/now?n=", 0));
			for (int i = 0; i < 3; i++) {
				assertThat(client.read().body()).as("big " + i).hasSize(size);
			}
			assertThat(client.read().text()).isEqualTo("now");
			assertThat(client.read().text()).isEqualTo("now");
			client.get("/now");
			assertThat(client.read().text()).isEqualTo("now");
		}
	}

	private static String pipelined(int count, String path, int round) {
		StringBuilder requests = new StringBuilder();
		for (int i = 0; i < count; i++) {
			requests.append("GET ")
				.append(path)
				.append(round)
				.append('-')
				.append(i)
				.append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
		}
		return requests.toString();
	}

	@Test
	void whenRequestsWithAndWithoutBodiesShareAConnectionThenEachGetsItsAnswer() throws Exception {
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
			assertThat(client.read().text()).isEqualTo("POST /echo hello");
			client.send("PUT /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
			RawHttpClient.Response chunked = client.read();
			assertThat(chunked.text()).isEqualTo("PUT /echo abcdefg");
			assertThat(chunked.header("keep-alive")).isEqualTo("timeout=15");
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
			assertThat(client.read().text()).isEqualTo("POST /echo ");
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
		}
		assertThat(server.statistics().accepted()).isEqualTo(1);
	}

	/**
	 * Every kind of response carries its content type once, and {@code Keep-Alive} once
	 * exactly when the connection stays open: the starter's own content types and the
	 * {@code Keep-Alive} header are copied in from presets, the others added by name.
	 */
	@Test
	void whenResponsesOfEachKindAreWrittenThenEachCarriesItsHeadersOnceAndKeepAliveOnlyOnAKeptConnection()
			throws Exception {
		QHttpServer server = this.fixture.start(new Kinds());
		java.util.Map<String, String> contentTypes = new java.util.LinkedHashMap<>();
		contentTypes.put("/kind/text", "text/plain;charset=UTF-8");
		contentTypes.put("/kind/bytes", "application/octet-stream");
		contentTypes.put("/kind/json", "application/json");
		contentTypes.put("/kind/custom", "text/csv");
		contentTypes.put("/kind/equal", "text/plain;charset=UTF-8");
		contentTypes.put("/kind/headers", "text/plain;charset=UTF-8");
		contentTypes.put("/kind/status", null);
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			for (int round = 0; round < 2; round++) {
				for (java.util.Map.Entry<String, String> kind : contentTypes.entrySet()) {
					client.get(kind.getKey());
					RawHttpClient.Response response = client.read();
					assertThat(response.count("keep-alive")).as(kind.getKey()).isEqualTo(1);
					assertThat(response.header("keep-alive")).isEqualTo("timeout=15");
					assertThat(response.count("content-type")).as(kind.getKey())
						.isEqualTo((kind.getValue() != null) ? 1 : 0);
					assertThat(response.header("content-type")).as(kind.getKey()).isEqualTo(kind.getValue());
				}
			}
			client.get("/kind/headers");
			assertThat(client.read().header("x-kind")).isEqualTo("headers");
		}
		// Reactor Netty closes an HTTP/1.0 connection even when it asks to be kept
		for (String request : new String[] { "GET /kind/text HTTP/1.0\r\n\r\n",
				"GET /kind/text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
				"GET /kind/text HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /kind/custom HTTP/1.0\r\n\r\n" }) {
			try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
				client.send(request);
				RawHttpClient.Response response = client.read();
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.count("keep-alive")).as(request).isZero();
				assertThat(response.count("content-type")).as(request).isEqualTo(1);
			}
		}
	}

	/**
	 * A request that ends the connection ({@code Connection: close}, HTTP/1.0, or one
	 * that cannot be decoded) pipelined behind others is answered after all of them,
	 * however late theirs come (a worker's, a delayed one, one on the event loop), and
	 * then the connection closes. Reactor Netty alone closed after the first answer and
	 * dropped the rest whenever the first was not answered at once.
	 */
	@ParameterizedTest
	@CsvSource({ "1, close", "2, close", "3, close", "16, close", "17, close", "64, close", "3, http10", "17, http10",
			"1, malformed", "3, malformed", "17, malformed" })
	void whenARequestThatEndsTheConnectionIsPipelinedBehindOthersThenEveryOneIsAnsweredFirst(int before, String last)
			throws Exception {
		QHttpServer server = this.fixture.start(new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			StringBuilder requests = new StringBuilder();
			for (int i = 0; i < before; i++) {
				requests.append("GET ").append(mixed(i)).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
			}
			requests.append(switch (last) {
				case "close" -> "GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
				case "http10" -> "GET /echo HTTP/1.0\r\n\r\n";
				default -> "GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n";
			});
			client.send(requests.toString());
			for (int i = 0; i < before; i++) {
				assertThat(client.read().text()).as("answer %d of %d", i + 1, before).isEqualTo(expected(i));
			}
			RawHttpClient.Response closing = client.read();
			if (last.equals("malformed")) {
				assertThat(closing.status()).isEqualTo(400);
			}
			else {
				assertThat(closing.text()).isEqualTo("GET /echo ");
			}
			assertThat(client.isClosedByServer()).isTrue();
		}
		// and the server serves on
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/now");
			assertThat(client.read().text()).isEqualTo("now");
		}
	}

	/**
	 * While a closing request waits for the answers before it, the server takes no more
	 * than a read's worth of what follows: a client that goes on sending fills its own
	 * socket buffers and blocks, the closing request is answered, and the connection
	 * closes.
	 */
	@Test
	void whenAClientSendsMoreAfterAHeldClosingRequestThenTheServerStopsReadingUntilItIsAnswered() throws Exception {
		QHttpServer server = this.fixture.start(new Echo());
		byte[] more = "GET /now HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(64 * 1024)
			.getBytes(StandardCharsets.US_ASCII);
		java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /slow/0?delay=1500 HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
			Thread writer = new Thread(() -> {
				try {
					java.io.OutputStream out = client.socket().getOutputStream();
					for (int round = 0; round < 16; round++) {
						out.write(more);
						written.addAndGet(more.length);
					}
				}
				catch (java.io.IOException ex) {
					// the server closed the connection after the closing request's answer
				}
			});
			writer.start();
			assertThat(client.read().text()).isEqualTo("slow 0");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
			assertThat(client.isClosedByServer()).isTrue();
			writer.join(10_000);
		}
		// 16 rounds are about 40 MB: far beyond what loopback's socket buffers take
		assertThat(written.get()).isLessThan(16L * more.length);
	}

	/** Worker, event-loop and late answers in turn. */
	private static String mixed(int index) {
		return switch (index % 3) {
			case 0 -> "/slow/" + index + "?delay=" + (index % 7) * 20;
			case 1 -> "/echo";
			default -> "/now";
		};
	}

	private static String expected(int index) {
		return switch (index % 3) {
			case 0 -> "slow " + index;
			case 1 -> "GET /echo ";
			default -> "now";
		};
	}

	@Test
	void whenCurlExpects100ContinueThenItGetsContinueAndTheWholeBodyIsEchoed() {
		QHttpServer server = this.fixture.start((settings) -> settings.maxBodySize(64 * 1024), new Echo());
		String body = "x".repeat(5000);
		String output = Curl.run("-v", "-H", "Expect: 100-continue", "--data-binary", body,
				"http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(output).contains("> Expect: 100-continue").contains("< HTTP/1.1 100 Continue");
		assertThat(output).contains("< HTTP/1.1 200").contains("content-length: " + ("POST /echo ".length() + 5000));
	}

	@ParameterizedTest
	@CsvSource({ "999, 200", "1000, 200", "1001, 413" })
	void whenABodyWithContentLengthIsAtTheLimitThenItIsTakenAndOneByteMoreIsRefused(int size, int status)
			throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.maxBodySize(MAX_BODY), new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + size + "\r\n\r\n"
					+ "b".repeat(size));
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(status);
			if (status == 200) {
				assertThat(response.text()).isEqualTo("POST /echo " + "b".repeat(size));
			}
		}
		assertRefusedAsTooLarge(server, status);
		assertServes(server);
	}

	@ParameterizedTest
	@CsvSource({ "999, 200", "1000, 200", "1001, 413" })
	void whenAChunkedBodyIsAtTheLimitThenItIsTakenAndOneByteMoreIsRefused(int size, int status) throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.maxBodySize(MAX_BODY), new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			String half = "c".repeat(size / 2);
			String rest = "c".repeat(size - size / 2);
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ Integer.toHexString(half.length()) + "\r\n" + half + "\r\n" + Integer.toHexString(rest.length())
					+ "\r\n" + rest + "\r\n0\r\n\r\n");
			RawHttpClient.Response response = client.read();
			assertThat(response.status()).isEqualTo(status);
			if (status == 200) {
				assertThat(response.text()).hasSize("POST /echo ".length() + size);
			}
		}
		assertRefusedAsTooLarge(server, status);
		assertServes(server);
	}

	@Test
	void whenCurlSendsTooLargeABodyThenItGets413AndTheServerKeepsServing() {
		QHttpServer server = this.fixture.start((settings) -> settings.maxBodySize(MAX_BODY), new Echo());
		String output = Curl.run("-i", "--data-binary", "z".repeat(MAX_BODY + 1),
				"http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(output).startsWith("HTTP/1.1 413");
		assertThat(Curl.run("--data-binary", "z".repeat(MAX_BODY), "http://127.0.0.1:" + server.serverPort() + "/echo"))
			.isEqualTo("POST /echo " + "z".repeat(MAX_BODY));
	}

	private void assertRefusedAsTooLarge(QHttpServer server, int status) {
		int refused = (status == 413) ? 1 : 0;
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.fixture.eventsOf(HttpRequestRejectedEvent.class).size() >= refused);
		assertThat(this.fixture.eventsOf(HttpRequestRejectedEvent.class))
			.extracting(HttpRequestRejectedEvent::getStatus)
			.containsExactly((refused == 1) ? new Integer[] { 413 } : new Integer[0]);
		assertThat(server.statistics().rejected(RejectReason.BAD_REQUEST)).isEqualTo(refused);
	}

	private static void assertServes(QHttpServer server) throws Exception {
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
		}
	}

	/**
	 * The keep-alive timeout (Qt's 15 s by default) closes a connection idle between
	 * requests, and only then: a request whose answer takes three times as long is
	 * answered, and the connection lives on until it has been idle that long.
	 */
	@Test
	void whenAKeepAliveConnectionIdlesPastTheTimeoutThenTheServerClosesItButNeverDuringASlowerRequest()
			throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.keepAliveTimeout(Duration.ofMillis(400)),
				new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /slow/0?delay=1200 HTTP/1.1\r\nHost: localhost\r\n\r\n");
			RawHttpClient.Response slow = client.read();
			assertThat(slow.text()).isEqualTo("slow 0");
			assertThat(slow.headers()).containsEntry("keep-alive", "timeout=1");
			client.get("/echo");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
			// read blocks until the server closes (the client's read timeout is 10 s)
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	/**
	 * A request with a large body pipelined behind one still being answered: Reactor
	 * Netty queues the body's first pieces and stops reading, and once it hands the
	 * request over the rest of the body is read, so that every request is answered.
	 */
	@Test
	void whenALargeBodyIsPipelinedBehindALateAnswerThenTheWholeBodyIsReadAndEveryRequestAnswered() throws Exception {
		int size = 1024 * 1024;
		QHttpServer server = this.fixture.start((settings) -> settings.maxBodySize(2 * size), new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			String body = "x".repeat(size);
			client.send("GET /slow/0?delay=200 HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + size + "\r\n\r\n" + body
					+ "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(client.read().text()).isEqualTo("slow 0");
			assertThat(client.read().text()).isEqualTo("POST /echo " + body);
			assertThat(client.read().text()).isEqualTo("GET /echo ");
		}
	}

	/**
	 * A chunked body that cannot be decoded gets 400 and the connection closes, also when
	 * its request waited in Reactor Netty's queue behind a late answer (Reactor Netty
	 * 1.3.7 hands a queued request's failed body over as if it had ended well): the
	 * answers before it arrive first, the route never sees the body, and nothing after it
	 * is served.
	 * @param before how many requests go first, the first of them answered late
	 * @param goodChunks how many well-formed chunks precede the bad one
	 * @param bad when the bad chunk comes: with the rest ({@code together}), in a later
	 * write while the request waits ({@code queued}), or once the earlier answers have
	 * been read ({@code last}, the request then Reactor Netty's current one)
	 */
	@ParameterizedTest
	@CsvSource({ "0, 0, together", "0, 2, last", "1, 0, together", "1, 1, together", "1, 3, queued", "1, 0, last",
			"3, 0, together", "17, 2, together", "17, 0, queued", "17, 1, last" })
	void whenAChunkedBodyCannotBeDecodedThenTheAnswerIs400AfterTheEarlierAnswersAndTheConnectionCloses(int before,
			int goodChunks, String bad) throws Exception {
		Echo echo = new Echo();
		QHttpServer server = this.fixture.start(echo);
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			StringBuilder requests = new StringBuilder();
			for (int i = 0; i < before; i++) {
				requests.append("GET ")
					.append((i == 0) ? "/slow/0?delay=300" : mixed(i))
					.append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
			}
			requests.append("POST /take HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
			requests.append("3\r\nabc\r\n".repeat(goodChunks));
			String badChunk = "zz\r\nabc\r\n0\r\n\r\nGET /now HTTP/1.1\r\nHost: localhost\r\n\r\n";
			if (bad.equals("together")) {
				requests.append(badChunk);
			}
			client.send(requests.toString());
			if (bad.equals("queued")) {
				client.send(badChunk);
			}
			for (int i = 0; i < before; i++) {
				assertThat(client.read().text()).as("answer %d of %d", i + 1, before)
					.isEqualTo((i == 0) ? "slow 0" : expected(i));
			}
			if (bad.equals("last")) {
				client.send(badChunk);
			}
			RawHttpClient.Response refused = client.read();
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.header("connection")).isEqualTo("close");
			assertThat(client.isClosedByServer()).isTrue();
		}
		// the route never saw the cut body: Reactor Netty closes the connection after
		// the event-loop task that would have handed it over
		assertThat(echo.taken).isEmpty();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !this.fixture.eventsOf(HttpRequestRejectedEvent.class).isEmpty());
		assertThat(this.fixture.eventsOf(HttpRequestRejectedEvent.class)).singleElement()
			.extracting(HttpRequestRejectedEvent::getStatus)
			.isEqualTo(400);
		assertThat(server.statistics().rejected(RejectReason.BAD_REQUEST)).isEqualTo(1);
		assertServes(server);
	}

	/**
	 * Clients that reset in the middle of a request body have gone away: nothing to
	 * answer, no failed handler to report, and the server serves on.
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void whenClientsResetInTheMiddleOfABodyThenNoFailedHandlerIsReportedAndTheServerServesOn(CapturedOutput output)
			throws Exception {
		QHttpServer server = this.fixture.start(new Echo());
		int logged = output.getAll().length();
		for (int i = 0; i < 10; i++) {
			try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
				client.send(
						"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
				client.socket().setSoLinger(true, 0);
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
		assertServes(server);
		// neither Reactor Netty's report of a failed handler nor Reactor's of the same
		// reset signalled twice
		assertThat(output.getAll().substring(logged)).doesNotContain("Error starting response")
			.doesNotContain("onErrorDropped")
			.doesNotContain("ERROR");
	}

	/**
	 * A client that pipelines requests and then stops reading for longer than the
	 * keep-alive timeout is slow, not idle: while an answer waits to be written the
	 * connection stays open, and every answer arrives once the client reads again (the
	 * answers here are far more than the socket buffers hold). Reactor Netty completes a
	 * whole response's send before writing it, so the requests' own ends cannot tell.
	 */
	@Test
	void whenAPipeliningClientStopsReadingPastTheKeepAliveTimeoutThenEveryAnswerStillArrives() throws Exception {
		int requests = 200;
		int size = 64 * 1024;
		QHttpServer server = this.fixture.start((settings) -> settings.keepAliveTimeout(Duration.ofMillis(300)),
				new Echo());
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			client.send(("GET /big/" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n").repeat(requests));
			// the client's stall, the behaviour under test: four keep-alive timeouts
			Thread.sleep(1200);
			for (int i = 0; i < requests; i++) {
				assertThat(client.read().text()).as("answer %d", i).hasSize(size);
			}
		}
	}

	/**
	 * Every HTTP connection that closes counts in {@code qtserver.connections.closed},
	 * with why: the client closed it, the keep-alive timeout, or the server's shutdown.
	 */
	@Test
	void whenConnectionsCloseThenEachCountsAsClosedWithItsReason() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.keepAliveTimeout(Duration.ofMillis(300)),
				new Echo());
		ServerStatistics statistics = server.statistics();
		for (int i = 0; i < 3; i++) {
			try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
				client.get("/echo");
				assertThat(client.read().text()).isEqualTo("GET /echo ");
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> statistics.closed(CloseReason.PEER_CLOSED) == 3);
		try (RawHttpClient idle = RawHttpClient.connect(server.serverPort())) {
			idle.get("/echo");
			assertThat(idle.read().text()).isEqualTo("GET /echo ");
			assertThat(idle.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> statistics.closed(CloseReason.IDLE_TIMEOUT) == 1);
		assertThat(statistics.closed(CloseReason.PEER_CLOSED)).isEqualTo(3);
		// another server, with the default 15 s timeout: its shutdown closes the
		// connection
		QHttpServer closing = this.fixture.start(new Echo());
		try (RawHttpClient open = RawHttpClient.connect(closing.serverPort())) {
			open.get("/echo");
			assertThat(open.read().text()).isEqualTo("GET /echo ");
			closing.shutdown(Duration.ofSeconds(5));
			assertThat(open.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> closing.statistics().closed(CloseReason.SERVER_SHUTDOWN) == 1);
		assertThat(closing.statistics().closed(CloseReason.PEER_CLOSED)).isZero();
	}

	/** The same timeout ends an HTTP/2 connection (prior knowledge) left idle. */
	@Test
	void whenAnHttp2ConnectionIdlesPastTheKeepAliveTimeoutThenTheServerClosesIt() throws Exception {
		QHttpServer server = this.fixture
			.start((settings) -> settings.http2(true).keepAliveTimeout(Duration.ofMillis(400)), new Echo());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			client.send(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
			// the server's SETTINGS, then (ours acknowledged) nothing until it closes
			assertThat(client.input().readNBytes(9)[3]).isEqualTo((byte) 0x4);
			client.input().readAllBytes();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	static class Kinds {

		@Route("/kind/text")
		String text() {
			return "text";
		}

		@Route("/kind/bytes")
		byte[] bytes() {
			return new byte[] { 1, 2, 3 };
		}

		@Route("/kind/json")
		java.util.Map<String, String> json() {
			return java.util.Map.of("kind", "json");
		}

		@Route("/kind/custom")
		QHttpServerResponse custom() {
			return new QHttpServerResponse(200, "text/csv", "a,b".getBytes(StandardCharsets.UTF_8));
		}

		/** The starter's text type, as an equal string of its own. */
		@Route("/kind/equal")
		QHttpServerResponse equal() {
			return new QHttpServerResponse(200, new String("text/plain;charset=UTF-8".toCharArray()),
					"equal".getBytes(StandardCharsets.UTF_8));
		}

		@Route("/kind/headers")
		QHttpServerResponse headers() {
			return QHttpServerResponse.text("headers").header("X-Kind", "headers");
		}

		@Route("/kind/status")
		QHttpServerResponse status() {
			return QHttpServerResponse.status(202);
		}

	}

	static class Echo {

		@Route("/echo")
		String echo(QHttpServerRequest request) {
			return request.method() + " " + request.path() + " " + new String(request.body(), StandardCharsets.UTF_8);
		}

		/** Bodies taken, on the event loop as they are handed over. */
		final java.util.Queue<String> taken = new java.util.concurrent.ConcurrentLinkedQueue<>();

		@Route("/take")
		Mono<String> take(QHttpServerRequest request) {
			this.taken.add(new String(request.body(), StandardCharsets.UTF_8));
			return Mono.just("taken");
		}

		@Route("/now")
		Mono<String> now() {
			return Mono.just("now");
		}

		@Route("/big/{size}")
		Mono<String> big(@PathVariable int size) {
			return Mono.just("b".repeat(size));
		}

		@Route("/slow/{index}")
		CompletionStage<String> slow(@PathVariable int index, @RequestParam("delay") Integer delay) {
			return CompletableFuture.supplyAsync(() -> "slow " + index,
					CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
		}

	}

}
