package dev.qtserver.websocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.RejectReason;
import dev.qtserver.core.ServerKind;
import dev.qtserver.core.SocketError;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.AcceptErrorEvent;
import dev.qtserver.event.NewConnectionEvent;
import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.event.ServerClosedEvent;
import dev.qtserver.event.ServerListeningEvent;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.websocket.RawWebSocketClient.Frame;
import dev.qtserver.websocket.RawWebSocketClient.HttpResponseHead;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Qt's {@code QWebSocketServer} API on a real loopback socket, driven by a raw client
 * rather than a client library: the URL and what the server says it speaks, its errors,
 * pausing, the pending queue, origins and subprotocols, and taking over a connection a
 * {@link QTcpServer} accepted.
 */
class QWebSocketServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(8, "test-worker-");

	private final List<QWebSocketServer> servers = new ArrayList<>();

	private final List<QTcpServer> tcpServers = new ArrayList<>();

	private final List<RawWebSocketClient> clients = new ArrayList<>();

	@AfterEach
	void tearDown() throws IOException {
		for (RawWebSocketClient client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.tcpServers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	@Test
	void whenCreatedThenItDescribesWhatItSpeaksAndHasNoError() {
		QWebSocketServer server = server(
				(settings) -> settings.serverName("Chat/1.0").subprotocols(List.of("chat.v2", "chat")));
		assertThat(server.name()).isEqualTo("chat");
		assertThat(server.kind()).isEqualTo(ServerKind.WEBSOCKET);
		assertThat(server.supportedVersions()).containsExactly(13);
		assertThat(server.secureMode()).isEqualTo(SecureMode.NON_SECURE_MODE);
		assertThat(server.serverName()).isEqualTo("Chat/1.0");
		assertThat(server.supportedSubprotocols()).containsExactly("chat.v2", "chat");
		assertThat(server.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(server.maxPendingConnections()).isEqualTo(30);
		assertThat(server.error()).isEqualTo(CloseCode.NORMAL);
		assertThat(server.errorString()).isEmpty();
		assertThat(server.serverError()).isEqualTo(SocketError.UNKNOWN_SOCKET_ERROR);
		assertThat(server.isListening()).isFalse();
		assertThat(server.serverUrl()).isNull();
		assertThat(server.serverPort()).isZero();
		assertThat(server.hasPendingConnections()).isFalse();
		assertThat(server.nextPendingConnection()).isNull();
	}

	@Test
	void whenListeningThenTheServerUrlIsWsWithAddressPortAndPath() {
		QWebSocketServer server = listening();
		assertThat(server.isListening()).isTrue();
		assertThat(server.serverPort()).isPositive();
		assertThat(server.serverUrl()).isEqualTo(URI.create("ws://127.0.0.1:" + server.serverPort() + "/chat"));
		assertThat(eventsOf(ServerListeningEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getPort()).isEqualTo(server.serverPort()));
	}

	@Test
	void whenListeningTwiceThenTheSecondCallFails() {
		QWebSocketServer server = listening();
		int port = server.serverPort();
		assertThat(server.listen(LOOPBACK, 0)).isFalse();
		assertThat(server.serverError()).isEqualTo(SocketError.OPERATION);
		assertThat(server.errorString()).contains("already listening");
		assertThat(server.isListening()).isTrue();
		assertThat(server.serverPort()).isEqualTo(port);
	}

	@Test
	void whenThePortIsInUseThenListenFailsWithAddressInUse() {
		QWebSocketServer first = listening();
		QWebSocketServer second = server((settings) -> settings.port(first.serverPort()));
		assertThat(second.listen()).isFalse();
		assertThat(second.isListening()).isFalse();
		assertThat(second.serverError()).isEqualTo(SocketError.ADDRESS_IN_USE);
		assertThat(second.errorString()).contains(String.valueOf(first.serverPort()));
		assertThat(eventsOf(AcceptErrorEvent.class)).singleElement()
			.satisfies((event) -> assertThat(event.getError()).isEqualTo(SocketError.ADDRESS_IN_USE));
	}

	@Test
	void whenListenFailsAndThenSucceedsThenTheErrorIsCleared() {
		QWebSocketServer first = listening();
		QWebSocketServer second = server(UnaryOperator.identity());
		assertThat(second.listen(LOOPBACK, first.serverPort())).isFalse();
		assertThat(second.errorString()).isNotEmpty();
		assertThat(second.listen(LOOPBACK, 0)).isTrue();
		assertThat(second.serverError()).isEqualTo(SocketError.UNKNOWN_SOCKET_ERROR);
		assertThat(second.errorString()).as("no stale error once listening").isEmpty();
	}

	@Test
	void whenAConnectionIsStillInItsHandshakeThenItCountsTowardsConnectionsAndTheLimit() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.maxConnections(1));
		RawWebSocketClient handshaking = connect(server);
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 1);
		RawWebSocketClient waiting = connect(server);
		String key = RawWebSocketClient.newKey();
		waiting.sendRequest("GET", "/chat", waiting.handshakeHeaders(key));
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> waiting.readResponseHead(Duration.ofMillis(300)));
		assertThat(server.connectionCount()).isOne();
		handshaking.close();
		assertThat(waiting.readResponseHead().status()).isEqualTo(101);
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 1);
	}

	@Test
	void whenAClientHasReadThe101ThenItsSessionIsAlreadyOpenOnTheServer() throws Exception {
		// the event loop stops as soon as the 101 has left, until the client has read it:
		// a chat partner's broadcast in that gap reaches a session only if it was
		// registered before the 101 left (a descheduled event loop opens the same gap)
		CountDownLatch clientRead101 = new CountDownLatch(1);
		WebSocketServerCustomizer stallAfter101 = (name, transport) -> transport.doOnChannelInit(
				(observer, channel, address) -> channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
					@Override
					public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
						if (message instanceof HttpResponse response
								&& response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
							promise.addListener(
									(written) -> clientRead101.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
						}
						ctx.write(message, promise);
					}
				}));
		QWebSocketServer server = new QWebSocketServer("chat",
				WebSocketServerSettings.builder().address(LOOPBACK).path("/chat").build(), this.events::add,
				this.workers.executor(), List.of(stallAfter101));
		this.servers.add(server);
		server.bindHandler(new EchoHandler(), "echoHandler");
		assertThat(server.listen()).isTrue();
		RawWebSocketClient client = open(server);
		int openWhenRead = server.connections().size();
		clientRead101.countDown();
		assertThat(openWhenRead).as("sessions open when the client had read its 101").isOne();
		assertThat(echo(client, "first")).isEqualTo("first");
	}

	@Test
	void whenClosedThenItStopsListeningAndCanListenAgain() throws Exception {
		QWebSocketServer server = listening();
		server.close();
		assertThat(server.isListening()).isFalse();
		assertThat(server.serverUrl()).isNull();
		assertThat(eventsOf(ServerClosedEvent.class)).hasSize(1);
		assertThat(server.listen()).isTrue();
		assertThat(echo(open(server), "again")).isEqualTo("again");
	}

	@Test
	void whenAHandshakeIsRefusedThenErrorAndErrorStringReportIt() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Sec-WebSocket-Version", "8");
		client.sendRequest("GET", "/chat", headers);
		assertThat(client.readResponseHead().status()).isEqualTo(400);
		await().atMost(TIMEOUT).until(() -> server.error() == CloseCode.PROTOCOL_ERROR);
		assertThat(server.errorString()).contains("version");
		assertThat(server.statistics().rejected(RejectReason.BAD_HANDSHAKE)).isOne();
	}

	@Test
	void whenPausedThenATcpConnectionGetsNoHandshakeAnswerUntilResumed() throws Exception {
		QWebSocketServer server = listening();
		server.pauseAccepting();
		assertThat(server.isAcceptingPaused()).isTrue();
		RawWebSocketClient client = connect(server);
		String key = RawWebSocketClient.newKey();
		client.sendRequest("GET", "/chat", client.handshakeHeaders(key));
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> client.readResponseHead(Duration.ofMillis(500)));
		assertThat(server.connectionCount()).isZero();
		assertThat(eventsOf(NewConnectionEvent.class)).isEmpty();
		server.resumeAccepting();
		assertThat(server.isAcceptingPaused()).isFalse();
		HttpResponseHead response = client.readResponseHead();
		assertThat(response.status()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocketClient.acceptFor(key));
		assertThat(echo(client, "let in")).isEqualTo("let in");
	}

	@Test
	void whenNoHandlerIsBoundThenSessionsQueueUntilTaken() throws Exception {
		QWebSocketServer server = listening(UnaryOperator.identity(), false);
		RawWebSocketClient client = open(server);
		await().atMost(TIMEOUT).until(server::hasPendingConnections);
		QWebSocket session = server.nextPendingConnection();
		assertThat(session).isNotNull();
		assertThat(session.requestUrl().getPath()).isEqualTo("/chat");
		assertThat(session.serverName()).isEqualTo("chat");
		assertThat(server.connections()).containsExactly(session);
		session.send("hello from the server").get(5, TimeUnit.SECONDS);
		assertThat(client.readText()).isEqualTo("hello from the server");
		client.sendText("hello from the client");
		assertThat(session.receiveText().blockFirst(TIMEOUT)).isEqualTo("hello from the client");
		assertThat(this.events)
			.filteredOn(
					(event) -> event instanceof PendingConnectionAvailableEvent || event instanceof NewConnectionEvent)
			.extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("PendingConnectionAvailableEvent", "NewConnectionEvent");
	}

	@Test
	void whenTheClientClosesASessionTheApplicationTookThenTheServerAnswersTheClose() throws Exception {
		QWebSocketServer server = listening(UnaryOperator.identity(), false);
		RawWebSocketClient client = open(server);
		await().atMost(TIMEOUT).until(server::hasPendingConnections);
		QWebSocket session = server.nextPendingConnection();
		List<String> received = new CopyOnWriteArrayList<>();
		session.receiveText().subscribe(received::add);
		client.sendText("last words");
		client.sendClose(1000, "done");
		Frame close = client.readFrame();
		assertThat(close.isClose()).as("answered with %s", close).isTrue();
		assertThat(close.closeCode()).isEqualTo(1000);
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		// delivered on the event loop, maybe after the close answer went out
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).containsExactly("last words"));
		assertThat(session.closeCode()).isEqualTo(1000);
		assertThat(session.closeReason()).isEqualTo("done");
	}

	@Test
	void whenASessionIsSilentForTheIdleTimeoutThenItIsClosedWith1001() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.idleTimeout(Duration.ofMillis(300)));
		RawWebSocketClient client = open(server);
		Frame close = client.readFrame();
		assertThat(close.isClose()).as("got %s", close).isTrue();
		assertThat(close.closeCode()).isEqualTo(CloseCode.GOING_AWAY.code());
		client.sendClose(close.closeCode(), "");
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketClosedEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.IDLE_TIMEOUT)));
	}

	@Test
	void whenHeartbeatsAreOnThenThePeerIsPingedAndDroppedIfItNeverAnswers() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.heartbeatInterval(Duration.ofMillis(200)));
		RawWebSocketClient client = open(server);
		Frame ping = client.readFrame();
		assertThat(ping.opcode()).isEqualTo(RawWebSocketClient.PING);
		assertThat(client.awaitClosed(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketClosedEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getReason()).isEqualTo(CloseReason.PEER_UNRESPONSIVE)));
	}

	@Test
	void whenHeartbeatsAreOnAndThePeerAnswersThenTheSessionStaysOpen() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.heartbeatInterval(Duration.ofMillis(200)));
		RawWebSocketClient client = open(server);
		for (int i = 0; i < 6; i++) {
			Frame ping = client.readFrame();
			assertThat(ping.opcode()).isEqualTo(RawWebSocketClient.PING);
			client.sendFrame(true, RawWebSocketClient.PONG, ping.payload(), true);
		}
		client.sendText("alive");
		Frame reply = client.readFrame();
		while (reply.opcode() == RawWebSocketClient.PING) {
			// the next heartbeat may come before the echo
			client.sendFrame(true, RawWebSocketClient.PONG, reply.payload(), true);
			reply = client.readFrame();
		}
		assertThat(reply.text()).isEqualTo("alive");
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void whenThePendingQueueIsFullThenTheNextHandshakeFailsWith503() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.maxPendingConnections(1), false);
		open(server);
		await().atMost(TIMEOUT).until(() -> server.pendingConnectionCount() == 1);
		RawWebSocketClient second = connect(server);
		HttpResponseHead response = second.handshake("/chat");
		assertThat(response.status()).isEqualTo(503);
		assertThat(second.awaitClosed(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketServerErrorEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getError()).isEqualTo(CloseCode.ABNORMAL_DISCONNECTION)));
		assertThat(server.statistics().rejected(RejectReason.MAX_PENDING)).isOne();
		assertThat(server.statistics().rejected(RejectReason.ORIGIN)).isZero();
		assertThat(server.nextPendingConnection()).isNotNull();
		assertThat(open(server)).isNotNull();
	}

	@Test
	void whenAnOriginIsNotAllowedThenTheHandshakeFailsWith403() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.allowedOrigins(List.of("https://good.example")));
		RawWebSocketClient denied = connect(server);
		Map<String, @Nullable String> headers = denied.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Origin", "https://evil.example");
		denied.sendRequest("GET", "/chat", headers);
		assertThat(denied.readResponseHead().status()).isEqualTo(403);
		assertThat(denied.awaitClosed(TIMEOUT)).isTrue();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketServerErrorEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.getError()).isEqualTo(CloseCode.POLICY_VIOLATED)));
		assertThat(server.statistics().rejected(RejectReason.ORIGIN)).isOne();
		assertThat(server.statistics().rejected(RejectReason.MAX_PENDING)).isZero();

		RawWebSocketClient allowed = connect(server);
		headers = allowed.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Origin", "https://good.example");
		allowed.sendRequest("GET", "/chat", headers);
		assertThat(allowed.readResponseHead().status()).isEqualTo(101);
		assertThat(echo(allowed, "welcome")).isEqualTo("welcome");
		assertThat(eventsOf(OriginAuthenticationRequiredEvent.class))
			.extracting(OriginAuthenticationRequiredEvent::getOrigin)
			.containsExactly("https://evil.example", "https://good.example");
	}

	@Test
	void whenTheClientOffersSubprotocolsThenItsFirstSupportedOneIsChosen() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.subprotocols(List.of("chat", "chat.v2")));
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Sec-WebSocket-Protocol", "unknown, chat.v2, chat");
		client.sendRequest("GET", "/chat", headers);
		HttpResponseHead response = client.readResponseHead();
		assertThat(response.status()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo("chat.v2");
	}

	@Test
	void whenCompressionIsOnThenPermessageDeflateIsNegotiatedAndCompressedMessagesEcho() throws Exception {
		QWebSocketServer server = listening((settings) -> settings.compression(true));
		RawWebSocketClient client = connect(server);
		Map<String, @Nullable String> headers = client.handshakeHeaders(RawWebSocketClient.newKey());
		headers.put("Sec-WebSocket-Extensions", "permessage-deflate");
		client.sendRequest("GET", "/chat", headers);
		HttpResponseHead response = client.readResponseHead();
		assertThat(response.status()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		String text = "squeeze me ".repeat(20);
		byte[] frame = RawWebSocketClient.frame(true, RawWebSocketClient.TEXT, deflate(text), true);
		frame[0] |= 0x40;
		client.sendRaw(frame);
		Frame reply = client.readFrame();
		assertThat(reply.opcode()).isEqualTo(RawWebSocketClient.TEXT);
		String echoed = (reply.rsv() & 0x40) != 0 ? inflate(reply.payload()) : reply.text();
		assertThat(echoed).isEqualTo(text);
	}

	@Test
	void whenMaxPendingConnectionsIsNotPositiveThenItIsRefused() {
		QWebSocketServer server = server(UnaryOperator.identity());
		assertThatIllegalArgumentException().isThrownBy(() -> server.setMaxPendingConnections(0));
		server.setMaxPendingConnections(3);
		assertThat(server.maxPendingConnections()).isEqualTo(3);
	}

	@Test
	void whenShutDownThenOpenSessionsGetA1001CloseFrame() throws Exception {
		QWebSocketServer server = listening();
		RawWebSocketClient client = open(server);
		assertThat(echo(client, "before")).isEqualTo("before");
		Thread answer = new Thread(() -> {
			try {
				Frame close = client.readFrame();
				if (close.isClose()) {
					client.sendClose(close.closeCode(), "");
				}
			}
			catch (IOException ex) {
				// the assertions below say what went wrong
			}
		});
		answer.start();
		server.shutdown(TIMEOUT);
		answer.join(TIMEOUT.toMillis());
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsOf(WebSocketClosedEvent.class)).singleElement().satisfies((event) -> {
				assertThat(event.getReason()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
				assertThat(event.getCloseCode()).isEqualTo(CloseCode.GOING_AWAY.code());
			}));
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void whenATcpServerHandsAConnectionOverThenTheWebSocketServerRunsTheHandshakeAndTheHandler() throws Exception {
		QWebSocketServer server = server(UnaryOperator.identity());
		server.bindHandler(new EchoHandler(), "echoHandler");
		QTcpServer tcp = tcpServer();
		RawWebSocketClient client = RawWebSocketClient.connect(tcp.serverPort());
		this.clients.add(client);
		assertThat(tcp.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = tcp.nextPendingConnection();
		assertThat(socket).isNotNull();

		server.handleConnection(socket);

		HttpResponseHead response = client.handshake("/chat");
		assertThat(response.status()).as(response.statusLine()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocketClient.acceptFor(response.key()));
		assertThat(echo(client, "over tcp")).isEqualTo("over tcp");
		assertThat(echo(client, "line\nbreaks\nstay")).isEqualTo("line\nbreaks\nstay");
		await().atMost(TIMEOUT)
			.until(() -> eventsOf(NewConnectionEvent.class).stream().anyMatch((event) -> event.getServer() == server));
		// a peer that goes away without a close frame is gone, not half-closed as on the
		// TCP server
		client.close();
		await().atMost(TIMEOUT).until(() -> server.connectionCount() == 0);
	}

	@Test
	void whenTheClientSentItsHandshakeBeforeTheHandOverThenTheWebSocketServerStillAnswersIt() throws Exception {
		QWebSocketServer server = server(UnaryOperator.identity());
		server.bindHandler(new EchoHandler(), "echoHandler");
		QTcpServer tcp = tcpServer();
		RawWebSocketClient client = RawWebSocketClient.connect(tcp.serverPort());
		this.clients.add(client);
		String key = RawWebSocketClient.newKey();
		// a real client sends its upgrade request as soon as it has connected
		client.sendRequest("GET", "/chat", client.handshakeHeaders(key));
		assertThat(tcp.waitForNewConnection(TIMEOUT)).isTrue();
		QTcpSocket socket = tcp.nextPendingConnection();

		server.handleConnection(socket);

		HttpResponseHead response = client.readResponseHead();
		assertThat(response.status()).as(response.statusLine()).isEqualTo(101);
		assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(RawWebSocketClient.acceptFor(key));
		assertThat(echo(client, "early bird")).isEqualTo("early bird");
	}

	private QTcpServer tcpServer() {
		QTcpServer tcp = new QTcpServer("raw", TcpServerSettings.builder().address(LOOPBACK).build(), this.events::add,
				this.workers.executor(), List.of());
		this.tcpServers.add(tcp);
		assertThat(tcp.listen()).isTrue();
		return tcp;
	}

	private QWebSocketServer listening() {
		return listening(UnaryOperator.identity());
	}

	private QWebSocketServer listening(UnaryOperator<WebSocketServerSettings.Builder> customizer) {
		return listening(customizer, true);
	}

	private QWebSocketServer listening(UnaryOperator<WebSocketServerSettings.Builder> customizer, boolean echo) {
		QWebSocketServer server = server(customizer);
		if (echo) {
			server.bindHandler(new EchoHandler(), "echoHandler");
		}
		assertThat(server.listen()).isTrue();
		return server;
	}

	private QWebSocketServer server(UnaryOperator<WebSocketServerSettings.Builder> customizer) {
		WebSocketServerSettings.Builder settings = WebSocketServerSettings.builder().address(LOOPBACK).path("/chat");
		QWebSocketServer server = new QWebSocketServer("chat", customizer.apply(settings).build(), this.events::add,
				this.workers.executor(), List.of());
		this.servers.add(server);
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

	/**
	 * Raw DEFLATE with the trailing 00 00 FF FF of a sync flush removed (RFC 7692 section
	 * 7.2.1).
	 */
	private static byte[] deflate(String text) {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		try {
			deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
			byte[] buffer = new byte[4096];
			int length = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
			return Arrays.copyOf(buffer, length - 4);
		}
		finally {
			deflater.end();
		}
	}

	private static String inflate(byte[] payload) throws DataFormatException {
		Inflater inflater = new Inflater(true);
		try {
			byte[] input = Arrays.copyOf(payload, payload.length + 4);
			input[payload.length + 2] = (byte) 0xFF;
			input[payload.length + 3] = (byte) 0xFF;
			inflater.setInput(input);
			byte[] buffer = new byte[64 * 1024];
			int length = inflater.inflate(buffer);
			return new String(buffer, 0, length, StandardCharsets.UTF_8);
		}
		finally {
			inflater.end();
		}
	}

	private <E extends ApplicationEvent> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	@QtHandler(server = "chat")
	static class EchoHandler {

		@OnMessage
		String echo(String message) {
			return message;
		}

	}

}
