package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.ConnectionErrorEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.websocket.RawWebSocketClient.Frame;
import dev.qtserver.websocket.RawWebSocketClient.HttpResponseHead;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;

/**
 * Probes a {@link QWebSocketServer} with a raw socket, byte by byte: each probe breaks
 * one rule of RFC 6455 (or the server's limits) and asserts the exact answer: the HTTP
 * status of a refused handshake, the close code of a refused session, the events that
 * report it, and that another session on the same server is not disturbed.
 */
class WebSocketProtocolProbeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final int MAX_FRAME_SIZE = 1024;

	private static final int MAX_MESSAGE_SIZE = 4096;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(8, "test-worker-");

	private final List<QWebSocketServer> servers = new ArrayList<>();

	private final List<RawWebSocketClient> clients = new ArrayList<>();

	@AfterEach
	void tearDown() throws IOException {
		for (RawWebSocketClient client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	@Test
	void whenTheHandshakeIsValidThenTheServerSwitchesProtocolsWithTheAcceptValueOfTheKey() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = connect(server);
		HttpResponseHead response = client.handshake("/chat");
		assertThat(response.statusLine()).startsWith("HTTP/1.1 101");
		assertThat(response.header("Upgrade")).isEqualToIgnoringCase("websocket");
		assertThat(response.header("Connection")).isEqualToIgnoringCase("upgrade");
		assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocketClient.acceptFor(response.key()));
		assertThat(response.header("Server")).isEqualTo("QtWebSocketServer");
		client.sendText("hello");
		Frame echo = client.readFrame();
		assertThat(echo.opcode()).isEqualTo(RawWebSocketClient.TEXT);
		assertThat(echo.fin()).isTrue();
		assertThat(echo.masked()).as("server frames are never masked").isFalse();
		assertThat(echo.text()).isEqualTo("hello");
	}

	@Test
	void whenTheKnownAcceptVectorOfRfc6455IsUsedThenTheHelperAgrees() {
		// RFC 6455 section 1.3: keeps acceptFor honest, so the probe above checks the
		// server
		assertThat(RawWebSocketClient.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	}

	@Test
	void whenTheVersionIsUnsupportedThenTheAnswerIs400NamingVersion13() throws Exception {
		assertBadRequest((headers) -> headers.put("Sec-WebSocket-Version", "8"));
	}

	@Test
	void whenTheKeyIsMissingThenTheAnswerIs400() throws Exception {
		assertBadRequest((headers) -> headers.put("Sec-WebSocket-Key", null));
	}

	@Test
	void whenTheKeyIsNotSixteenBytesOfBase64ThenTheAnswerIs400() throws Exception {
		// 8 bytes, valid base64
		assertBadRequest((headers) -> headers.put("Sec-WebSocket-Key", "AQIDBAUGBwg="));
	}

	@Test
	void whenTheKeyIsNotBase64ThenTheAnswerIs400() throws Exception {
		assertBadRequest((headers) -> headers.put("Sec-WebSocket-Key", "not*base64*at*all!!!!!=="));
	}

	@Test
	void whenTheUpgradeHeaderIsMissingThenTheAnswerIs400() throws Exception {
		assertBadRequest((headers) -> headers.put("Upgrade", null));
	}

	@Test
	void whenTheConnectionHeaderDoesNotAskForAnUpgradeThenTheAnswerIs400() throws Exception {
		assertBadRequest((headers) -> headers.put("Connection", "keep-alive"));
	}

	@Test
	void whenTheMethodIsNotGetThenTheAnswerIs400() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Content-Length", "0");
		client.sendRequest("POST", "/chat", headers);
		HttpResponseHead response = assertRefusedWith(client, 400);
		assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
		awaitServerError(CloseCode.PROTOCOL_ERROR);
	}

	@Test
	void whenThePathIsUnknownThenTheAnswerIs404() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = connect(server);
		client.sendRequest("GET", "/elsewhere", client.handshakeHeaders(RawWebSocketClient.newKey()));
		HttpResponseHead response = assertRefusedWith(client, 404);
		assertThat(response.header("Sec-WebSocket-Accept")).isNull();
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
	}

	@Test
	void whenTheHandshakeHeaderIsTooLargeThenTheAnswerIs431AndTheConnectionCloses() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.maxHeaderSize(1024));
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("X-Filler", "a".repeat(4096));
		client.sendRequest("GET", "/chat", headers);
		assertRefusedWith(client, 431);
		awaitServerError(CloseCode.TOO_MUCH_DATA);
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
	}

	@Test
	void whenAClientFrameIsNotMaskedThenTheSessionIsClosedWith1002() throws Exception {
		assertViolation(CloseCode.PROTOCOL_ERROR,
				(client) -> client.sendFrame(true, RawWebSocketClient.TEXT, bytes("not masked"), false));
	}

	@Test
	void whenATextFrameIsNotValidUtf8ThenTheSessionIsClosedWith1007() throws Exception {
		assertViolation(CloseCode.WRONG_DATATYPE, (client) -> client.sendFrame(true, RawWebSocketClient.TEXT,
				new byte[] { (byte) 0xC3, (byte) 0x28 }, true));
	}

	@Test
	void whenAFrameIsOverTheMaxFrameSizeThenTheSessionIsClosedWith1009() throws Exception {
		assertViolation(CloseCode.TOO_MUCH_DATA, (client) -> client.sendText("a".repeat(MAX_FRAME_SIZE + 1)));
	}

	@Test
	void whenAFragmentedMessageIsOverTheMaxMessageSizeThenTheSessionIsClosedWith1009() throws Exception {
		// every frame is within max-frame-size; only the whole message is too big
		byte[] fragment = bytes("a".repeat(MAX_FRAME_SIZE));
		assertViolation(CloseCode.TOO_MUCH_DATA, (client) -> {
			client.sendFrame(false, RawWebSocketClient.TEXT, fragment, true);
			for (int i = 0; i < MAX_MESSAGE_SIZE / MAX_FRAME_SIZE; i++) {
				client.sendFrame(false, RawWebSocketClient.CONTINUATION, fragment, true);
			}
			client.sendFrame(true, RawWebSocketClient.CONTINUATION, fragment, true);
		});
	}

	@Test
	void whenAFragmentedMessageIsWithinTheLimitsThenTheHandlerGetsItWhole() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		String part = "b".repeat(MAX_FRAME_SIZE);
		client.sendFrame(false, RawWebSocketClient.TEXT, bytes("Hello, "), true);
		client.sendFrame(false, RawWebSocketClient.CONTINUATION, bytes(part), true);
		client.sendFrame(false, RawWebSocketClient.CONTINUATION, bytes(part), true);
		client.sendFrame(true, RawWebSocketClient.CONTINUATION, bytes("world"), true);
		Frame echo = client.readFrame();
		assertThat(echo.opcode()).isEqualTo(RawWebSocketClient.TEXT);
		assertThat(echo.fin()).isTrue();
		assertThat(echo.text()).isEqualTo("Hello, " + part + part + "world");
	}

	@Test
	void whenAFragmentedMessageSplitsAUtf8CharacterThenItIsStillValid() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		byte[] text = bytes("caf\u00e9!");
		// the two bytes of é go in different frames
		client.sendFrame(false, RawWebSocketClient.TEXT, Arrays.copyOfRange(text, 0, 4), true);
		client.sendFrame(true, RawWebSocketClient.CONTINUATION, Arrays.copyOfRange(text, 4, text.length), true);
		assertThat(client.readText()).isEqualTo("caf\u00e9!");
	}

	@Test
	void whenAControlFrameHasMoreThan125BytesThenTheSessionIsClosedWith1002() throws Exception {
		assertViolation(CloseCode.PROTOCOL_ERROR,
				(client) -> client.sendFrame(true, RawWebSocketClient.PING, new byte[126], true));
	}

	@Test
	void whenAControlFrameIsFragmentedThenTheSessionIsClosedWith1002() throws Exception {
		assertViolation(CloseCode.PROTOCOL_ERROR,
				(client) -> client.sendFrame(false, RawWebSocketClient.PING, bytes("part"), true));
	}

	@Test
	void whenAFrameUsesAReservedOpcodeThenTheSessionIsClosedWith1002() throws Exception {
		assertViolation(CloseCode.PROTOCOL_ERROR, (client) -> client.sendFrame(true, 0x3, bytes("what"), true));
	}

	@Test
	void whenAFrameSetsAReservedBitThenTheSessionIsClosedWith1002() throws Exception {
		byte[] frame = RawWebSocketClient.frame(true, RawWebSocketClient.TEXT, bytes("rsv"), true);
		frame[0] |= 0x40;
		assertViolation(CloseCode.PROTOCOL_ERROR, (client) -> client.sendRaw(frame));
	}

	@Test
	void whenABinaryMessageReachesAHandlerThatTakesTextThenTheSessionIsClosedWith1003() throws Exception {
		assertViolation(CloseCode.DATATYPE_NOT_SUPPORTED, (client) -> client.sendBinary(new byte[] { 1, 2, 3 }));
	}

	@Test
	void whenTheClientPingsThenThePongCarriesTheSamePayload() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		client.sendFrame(true, RawWebSocketClient.PING, bytes("are you there"), true);
		Frame pong = client.readFrame();
		assertThat(pong.opcode()).isEqualTo(RawWebSocketClient.PONG);
		assertThat(pong.fin()).isTrue();
		assertThat(pong.text()).isEqualTo("are you there");
		client.sendText("still echoing");
		assertThat(client.readText()).isEqualTo("still echoing");
	}

	@Test
	void whenAPingArrivesBetweenFragmentsThenItIsAnsweredAndTheMessageStaysWhole() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		client.sendFrame(false, RawWebSocketClient.TEXT, bytes("before "), true);
		client.sendFrame(true, RawWebSocketClient.PING, bytes("mid"), true);
		client.sendFrame(true, RawWebSocketClient.CONTINUATION, bytes("after"), true);
		Frame pong = client.readFrame();
		assertThat(pong.opcode()).isEqualTo(RawWebSocketClient.PONG);
		assertThat(pong.text()).isEqualTo("mid");
		assertThat(client.readText()).isEqualTo("before after");
	}

	@Test
	void whenTheClientClosesWith1000ThenTheServerAnswers1000AndClosesTheConnection() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		assertThat(echo(client, "last")).isEqualTo("last");
		client.sendClose(1000, "bye");
		Frame close = client.readFrame();
		assertThat(close.isClose()).isTrue();
		assertThat(close.closeCode()).isEqualTo(1000);
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketClosedEvent.class)).singleElement().satisfies((event) -> {
				assertThat(event.getReason()).isEqualTo(CloseReason.PEER_CLOSED);
				assertThat(event.getCloseCode()).isEqualTo(1000);
				assertThat(event.getCloseReasonText()).isEqualTo("bye");
			}));
		assertThat(eventsOf(ConnectionErrorEvent.class)).isEmpty();
	}

	@Test
	void whenTheClientClosesRightAfterAMessageThenTheReplyComesBeforeTheCloseFrame() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		client.sendText("answer me first");
		client.sendClose(1000, "");
		assertThat(client.readText()).isEqualTo("answer me first");
		Frame close = client.readFrame();
		assertThat(close.isClose()).isTrue();
		assertThat(close.closeCode()).isEqualTo(1000);
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
	}

	@Test
	void whenTheHandshakeIsNotSentInTimeThenTheConnectionIsClosed() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.handshakeTimeout(Duration.ofMillis(300)));
		long start = System.nanoTime();
		RawWebSocketClient client = connect(server);
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 0);
	}

	@Test
	void whenASlowClientSendsHalfARequestAndStopsThenTheConnectionIsClosed() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.handshakeTimeout(Duration.ofMillis(300)));
		RawWebSocketClient client = connect(server);
		client.sendRaw(
				"GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
	}

	@Test
	void whenTheHandshakeCompletesInTimeThenTheTimeoutNoLongerApplies() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.handshakeTimeout(Duration.ofMillis(300)));
		RawWebSocketClient client = open(server);
		await().during(Duration.ofMillis(600)).atMost(TIMEOUT).until(() -> server.connectionCount() == 1);
		assertThat(echo(client, "still here")).isEqualTo("still here");
	}

	/**
	 * Break a rule on one session while another is open on the same server, and check the
	 * answer: a close frame with the code, the connection closed, a ConnectionErrorEvent
	 * with a WebSocketProtocolException, a WebSocketClosedEvent with PROTOCOL_ERROR and
	 * the code, and the other session still echoing.
	 */
	private void assertViolation(CloseCode expected, Violation violation) throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient bystander = open(server);
		assertThat(echo(bystander, "before")).isEqualTo("before");
		RawWebSocketClient client = open(server);
		violation.commit(client);
		Frame close = readUntilClose(client);
		assertThat(close.closeCode()).as("close code of %s", close).isEqualTo(expected.code());
		answerClose(client, expected.code());
		assertThat(client.awaitClosed(TIMEOUT)).as("the server closed the connection").isTrue();
		assertThat(echo(bystander, "after")).isEqualTo("after");
		// every check runs, so that a failure shows all that went wrong
		assertAll("events of the violation", () -> await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(ConnectionErrorEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getError()).isInstanceOfSatisfying(
						WebSocketProtocolException.class, (ex) -> assertThat(ex.getCloseCode()).isEqualTo(expected)))),
				() -> await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(eventsOf(WebSocketClosedEvent.class)).singleElement()
						.extracting(WebSocketClosedEvent::getCloseCode, WebSocketClosedEvent::getReason)
						.containsExactly(expected.code(), CloseReason.PROTOCOL_ERROR)),
				// as Qt's errorOccurred() comes before disconnected()
				() -> await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(this.events).filteredOn(
							(event) -> event instanceof ConnectionErrorEvent || event instanceof WebSocketClosedEvent)
						.extracting((event) -> event.getClass().getSimpleName())
						.containsExactly("ConnectionErrorEvent", "WebSocketClosedEvent")));
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	private static Frame readUntilClose(RawWebSocketClient client) throws IOException {
		// the server may still be answering what came before the violation
		while (true) {
			Frame frame = client.readFrame();
			if (frame.isClose()) {
				return frame;
			}
		}
	}

	private static void answerClose(RawWebSocketClient client, int code) {
		try {
			client.sendClose(code, "");
		}
		catch (IOException ex) {
			// the server already closed the TCP connection, as the codec does for a
			// broken frame
		}
	}

	private void assertBadRequest(HeaderChange change) throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		change.apply(headers);
		client.sendRequest("GET", "/chat", headers);
		HttpResponseHead response = assertRefusedWith(client, 400);
		assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
		awaitServerError(CloseCode.PROTOCOL_ERROR);
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
	}

	private HttpResponseHead assertRefusedWith(RawWebSocketClient client, int status) throws IOException {
		HttpResponseHead response = client.readResponseHead();
		assertThat(response.status()).as(response.statusLine()).isEqualTo(status);
		assertThat(response.statusLine()).startsWith("HTTP/1.1 " + status);
		assertThat(client.awaitClosed(TIMEOUT)).as("the server closed the connection").isTrue();
		return response;
	}

	private void awaitServerError(CloseCode expected) {
		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(eventsOf(WebSocketServerErrorEvent.class)).singleElement().satisfies((event) -> {
						assertThat(event.getError()).isEqualTo(expected);
						assertThat(event.getErrorString()).isNotEmpty();
						assertThat(event.getServerName()).isEqualTo("chat");
					}));
	}

	private QWebSocketServer listening() {
		return listening(UnaryOperator.identity());
	}

	private QWebSocketServer listening(UnaryOperator<WebSocketServerSettings.Builder> customizer) {
		WebSocketServerSettings.Builder settings = WebSocketServerSettings.builder()
			.address(LOOPBACK)
			.path("/chat")
			.maxFrameSize(MAX_FRAME_SIZE)
			.maxMessageSize(MAX_MESSAGE_SIZE);
		QWebSocketServer server = new QWebSocketServer("chat", customizer.apply(settings).build(), this.events::add,
				this.workers.executor(), List.of());
		this.servers.add(server);
		server.bindHandler(new EchoHandler(), "echoHandler");
		assertThat(server.listen()).isTrue();
		return server;
	}

	private RawWebSocketClient connect(QWebSocketServer server) throws IOException {
		RawWebSocketClient client = RawWebSocketClient.connect(server.serverPort());
		this.clients.add(client);
		return client;
	}

	private RawWebSocketClient open(QWebSocketServer server) throws IOException {
		RawWebSocketClient client = connect(server);
		HttpResponseHead response = client.handshake("/chat");
		assertThat(response.status()).as(response.statusLine()).isEqualTo(101);
		return client;
	}

	private static String echo(RawWebSocketClient client, String text) throws IOException {
		client.sendText(text);
		return client.readText();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private <E extends ApplicationEvent> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	@FunctionalInterface
	private interface Violation {

		void commit(RawWebSocketClient client) throws IOException;

	}

	@FunctionalInterface
	private interface HeaderChange {

		void apply(Map<String, @Nullable String> headers);

	}

	@QtHandler(server = "chat")
	static class EchoHandler {

		@OnMessage
		String echo(String message) {
			return message;
		}

	}

}
