package dev.qtserver.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import dev.qtserver.core.RejectReason;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.test.LeakDetectionExtension;
import dev.qtserver.test.RealClients;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.WebSocketServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSocket upgrades on an HTTP server's listeners, driven by Python's
 * {@code websockets}: the same sessions and handlers as a WebSocket server of its own,
 * the pending queue and its event, upgrade verifiers, and plain requests for the path.
 */
@ExtendWith(LeakDetectionExtension.class)
class WebSocketUpgradeTests {

	private static final String ECHO_MANY = """
			import asyncio, sys, websockets
			async def main(url, n):
			    async with websockets.connect(url, subprotocols=["chat.v1"]) as client:
			        for i in range(n):
			            await client.send(f"m{i}")
			        replies = [await client.recv() for _ in range(n)]
			        print(client.subprotocol, replies == [f"m{i}" for i in range(n)], replies[-1])
			asyncio.run(asyncio.wait_for(main(sys.argv[1], int(sys.argv[2])), 20))
			""";

	private static final String STATUS = """
			import asyncio, sys, websockets
			async def main(url):
			    try:
			        async with websockets.connect(url) as client:
			            print("open")
			    except (websockets.exceptions.InvalidStatusCode, websockets.exceptions.InvalidStatus) as refused:
			        # websockets 10 (Debian 12) has status_code, newer ones response.status_code
			        code = getattr(refused, "status_code", None) or refused.response.status_code
			        print("refused", code)
			asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
			""";

	private static final String IDLE_THEN_ECHO = """
			import asyncio, sys, websockets
			async def main(url, idle):
			    async with websockets.connect(url, subprotocols=["chat.v1"], ping_interval=None) as client:
			        await client.send("before")
			        first = await client.recv()
			        await asyncio.sleep(idle)
			        await client.send("after")
			        print(first, await client.recv())
			asyncio.run(asyncio.wait_for(main(sys.argv[1], float(sys.argv[2])), 20))
			""";

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenAClientUpgradesOnTheWebSocketPathThenItsMessagesReachTheSessionHandlerInOrder() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo());
		for (int count : new int[] { 1, 63, 64, 65, 2000 }) {
			assertThat(python(ECHO_MANY, url(server), String.valueOf(count)))
				.isEqualTo("chat.v1 True m" + (count - 1) + "\n");
		}
		assertThat(server.hasPendingWebSocketConnections()).isFalse();
	}

	/**
	 * The HTTP keep-alive timeout ends idle HTTP connections, not the WebSocket sessions
	 * they became: a session idle for three times as long is still open.
	 */
	@Test
	void whenAnUpgradedSessionIdlesPastTheKeepAliveTimeoutThenItStaysOpen() throws Exception {
		QHttpServer server = this.fixture
			.start(withWebSocket((builder) -> builder.keepAliveTimeout(Duration.ofMillis(400))), new Echo());
		assertThat(python(IDLE_THEN_ECHO, url(server), "1.2")).isEqualTo("before after\n");
	}

	/**
	 * An HTTP connection lets its client half-close and still answers, but a session
	 * upgraded from it ends when its client closes its side, as on a WebSocket server of
	 * its own: it is not left open with nothing ever read again.
	 */
	@Test
	void whenAnUpgradedClientClosesItsSideThenTheSessionEnds() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo());
		QWebSocketServer sessions = server.webSocketServer();
		assertThat(sessions).isNotNull();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Protocol: chat.v1\r\n\r\n");
			assertThat(client.readHead().status()).isEqualTo(101);
			// a masked text frame "hi" (mask 0): the echo comes back unmasked
			client.send(new byte[] { (byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i' });
			assertThat(client.input().readNBytes(4)).containsExactly(0x81, 2, 'h', 'i');
			await().atMost(Duration.ofSeconds(5)).until(() -> sessions.connectionCount() == 1);
			client.socket().shutdownOutput();
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> sessions.connectionCount() == 0);
		assertThat(server.connectionCount()).isZero();
	}

	/**
	 * An upgrade pipelined behind requests still being answered (late, or streamed) waits
	 * for them: their answers come first, whole, then the {@code 101} and the session, on
	 * a server that speaks h2c too (whose upgrade handler sits in front of ours).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/late true", "/lines true", "/late false", "/lines false" })
	void whenAnUpgradeIsPipelinedBehindRequestsStillBeingAnsweredThenTheirAnswersComeFirst(String arguments)
			throws Exception {
		String earlier = arguments.split(" ")[0];
		boolean h2c = Boolean.parseBoolean(arguments.split(" ")[1]);
		QHttpServer server = this.fixture.start(withWebSocket((builder) -> builder.http2(h2c)), new Echo(), new Late());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send(("GET " + earlier + " HTTP/1.1\r\nHost: localhost\r\n\r\n").repeat(2)
					+ "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Protocol: chat.v1\r\n\r\n");
			for (int i = 0; i < 2; i++) {
				RawHttpClient.Response answer = client.read();
				assertThat(answer.status()).isEqualTo(200);
				assertThat(answer.text()).isEqualTo(Late.TEXT);
			}
			assertThat(client.readHead().status()).isEqualTo(101);
			client.send(new byte[] { (byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i' });
			assertThat(client.input().readNBytes(4)).containsExactly(0x81, 2, 'h', 'i');
		}
	}

	/** The same for an upgrade to h2c: the HTTP/1.1 answers first, then the 101. */
	@Test
	void whenAnH2cUpgradeIsPipelinedBehindALateAnswerThenTheLateAnswerComesFirst() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket((builder) -> builder.http2(true)), new Echo(),
				new Late());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n"
					+ "GET /late HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
					+ "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
			RawHttpClient.Response answer = client.read();
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.text()).isEqualTo(Late.TEXT);
			assertThat(client.readHead().status()).isEqualTo(101);
		}
	}

	@Test
	void whenTheServerAlsoSpeaksH2cThenTheUpgradeStillWorks() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket((builder) -> builder.http2(true)), new Echo());
		assertThat(python(ECHO_MANY, url(server), "100")).isEqualTo("chat.v1 True m99\n");
	}

	@Test
	void whenNoHandlerTakesSessionsThenTheyWaitAndRaiseNewWebSocketConnection() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()));
		Process client = start("""
				import asyncio, sys, websockets
				async def main(url):
				    async with websockets.connect(url) as client:
				        print(await client.recv(), flush=True)
				asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
				""", url(server));
		await().atMost(Duration.ofSeconds(10)).until(server::hasPendingWebSocketConnections);
		QWebSocket session = server.nextPendingWebSocketConnection();
		assertThat(session).isNotNull();
		// the session waits in the queue before its event is published (as Qt emits
		// newConnection once hasPendingConnections() is true), on the session's executor
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.fixture.eventsOf(NewWebSocketConnectionEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getSession()).isSameAs(session)));
		session.send("taken");
		assertThat(output(client)).isEqualTo("taken\n");
	}

	@Test
	void whenAVerifierDeniesThenTheClientGetsItsStatusAndAnotherVerifierIsNotAsked() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(),
				(WebSocketUpgradeVerifier) (request) -> request.header("Origin") != null
						? WebSocketUpgradeResponse.passToNext() : WebSocketUpgradeResponse.deny(401),
				(WebSocketUpgradeVerifier) (request) -> WebSocketUpgradeResponse.accept());
		assertThat(python(STATUS, url(server))).isEqualTo("refused 401\n");
	}

	/**
	 * An upgrade request is refused as any request would be: an HTTP/1.1 one without
	 * {@code Host} gets 400 and the connection closes, before any verifier is asked, and
	 * the refusal counts.
	 */
	@Test
	void whenAnUpgradeRequestHasNoHostThenItGets400AndNoVerifierIsAsked() throws Exception {
		List<String> asked = new CopyOnWriteArrayList<>();
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(),
				(WebSocketUpgradeVerifier) (request) -> {
					asked.add(request.path());
					return WebSocketUpgradeResponse.accept();
				});
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			assertThat(client.readHead().status()).isEqualTo(400);
			assertThat(client.isClosedByServer()).isTrue();
		}
		assertThat(asked).isEmpty();
		assertThat(server.statistics().rejected(RejectReason.BAD_REQUEST)).isEqualTo(1);
		assertThat(python(ECHO_MANY, url(server), "3")).isEqualTo("chat.v1 True m2\n");
	}

	@Test
	void whenTheWorkersRefuseAVerifiersCallThenTheClientGets503AndLaterUpgradesAreVerified() throws Exception {
		// a plain verifier runs on a worker
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(),
				(WebSocketUpgradeVerifier) (request) -> WebSocketUpgradeResponse.accept());
		this.fixture.refuseWork(true);
		assertThat(python(STATUS, url(server))).isEqualTo("refused 503\n");
		this.fixture.refuseWork(false);
		assertThat(python(ECHO_MANY, url(server), "3")).isEqualTo("chat.v1 True m2\n");
	}

	@Test
	void whenAVerifierPassesAndTheNextAcceptsThenTheUpgradeGoesAhead() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(),
				(WebSocketUpgradeVerifier) (request) -> WebSocketUpgradeResponse.passToNext(),
				(WebSocketUpgradeVerifier) (request) -> "/ws".equals(request.path()) ? WebSocketUpgradeResponse.accept()
						: WebSocketUpgradeResponse.deny());
		assertThat(python(ECHO_MANY, url(server), "10")).isEqualTo("chat.v1 True m9\n");
	}

	@Test
	void whenEveryVerifierPassesThenTheRequestIsAnOrdinaryOneThatNobodyTakes() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(),
				(WebSocketUpgradeVerifier) (request) -> WebSocketUpgradeResponse.passToNext());
		assertThat(python(STATUS, url(server))).isEqualTo("refused 404\n");
		assertThat(this.fixture.eventsOf(MissingHandlerEvent.class)).hasSize(1);
	}

	@Test
	void whenThePathIsAskedWithoutUpgradeThenARouteMayAnswerIt() throws Exception {
		QHttpServer server = this.fixture.start(withWebSocket(UnaryOperator.identity()), new Echo(), new Page());
		assertThat(Curl.run("-s", "http://127.0.0.1:" + server.serverPort() + "/ws")).isEqualTo("plain page");
		assertThat(python(ECHO_MANY, url(server), "3")).isEqualTo("chat.v1 True m2\n");
	}

	private static UnaryOperator<HttpServerSettings.Builder> withWebSocket(
			UnaryOperator<HttpServerSettings.Builder> more) {
		return (builder) -> more.apply(builder.websocket(WebSocketServerSettings.builder()
			.path("/ws")
			.serverName("web")
			.subprotocols(List.of("chat.v1"))
			.build()));
	}

	private static String url(QHttpServer server) {
		return "ws://127.0.0.1:" + server.serverPort() + "/ws";
	}

	private static String python(String script, String... arguments) throws IOException, InterruptedException {
		return output(start(script, arguments));
	}

	private static Process start(String script, String... arguments) throws IOException {
		List<String> command = new java.util.ArrayList<>(List.of(RealClients.python(), "-c", script));
		command.addAll(List.of(arguments));
		return RealClients.withCleanPythonEnvironment(new ProcessBuilder(command)).redirectErrorStream(true).start();
	}

	private static String output(Process process) throws IOException, InterruptedException {
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("python finished").isTrue();
		return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

	@QtHandler(server = "web")
	static class Echo {

		@OnMessage
		String echo(String text) {
			return text;
		}

	}

	@QtHandler(server = "web")
	static class Late {

		static final String TEXT = "late 0\nlate 1\nlate 2\n";

		@Route("/late")
		CompletionStage<String> late() {
			return CompletableFuture.supplyAsync(() -> TEXT,
					CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
		}

		@Route("/lines")
		Flux<String> lines() {
			return Flux.range(0, 3).map((i) -> "late " + i + "\n").delayElements(Duration.ofMillis(30));
		}

	}

	@QtHandler(server = "web")
	static class Page {

		@Route(value = "/ws", methods = "GET")
		String page() {
			return "plain page";
		}

	}

}
