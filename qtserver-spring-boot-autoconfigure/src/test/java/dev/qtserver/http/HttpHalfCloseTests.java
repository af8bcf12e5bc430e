package dev.qtserver.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.qtserver.test.Netcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.awaitility.Awaitility.await;

/**
 * A client that sends its requests and then closes its side of the connection (a TCP
 * half-close, as {@code nc -N} or a script's {@code shutdown(SHUT_WR)} does). With
 * {@link HalfClose#ANSWER} it still gets every answer, in order, whichever thread writes
 * it, and the server then closes the connection at once, not after the keep-alive
 * timeout; a request cut short by the close gets no answer and leaves nothing behind. By
 * default ({@link HalfClose#CANCEL}) the client is taken as gone: an answer already being
 * written is finished, the rest cancelled.
 */
class HttpHalfCloseTests {

	/** Far longer than any test waits: a close seen must be the half-close's doing. */
	private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	private QHttpServer start() {
		return this.fixture.start((settings) -> settings.keepAliveTimeout(KEEP_ALIVE).halfClose(HalfClose.ANSWER),
				routes());
	}

	@Test
	void whenAClientHalfClosesDuringASlowHandlerByDefaultThenItIsCancelledAndTheConnectionCloses() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicReference<QHttpServerResponder> seen = new AtomicReference<>();
		QHttpServer server = this.fixture.start((settings) -> settings.keepAliveTimeout(KEEP_ALIVE),
				(HttpRequestHandler) (request, responder) -> {
					seen.set(responder);
					started.countDown();
					await().atMost(Duration.ofSeconds(5)).until(responder::isCancelled);
					return true;
				});
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/slow");
			assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
			client.socket().shutdownOutput();
			assertThat(client.readUntilClosed()).isEmpty();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> seen.get().isCancelled());
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).isEmpty();
	}

	@Test
	void whenAClientHalfClosesByDefaultThenTheAnswerBeingWrittenArrivesWholeAndTheRestIsCancelled() throws Exception {
		int size = 4 * 1024 * 1024;
		QHttpServer server = this.fixture.start((settings) -> settings.keepAliveTimeout(KEEP_ALIVE), routes());
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			// the first answer is written at once, far larger than the socket buffers;
			// the second comes later
			client.send("GET /big/" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\nGET /slow/1?delay=50 HTTP/1.1\r\n"
					+ "Host: localhost\r\n\r\n");
			client.socket().shutdownOutput();
			await().atMost(Duration.ofSeconds(5)).until(() -> client.input().available() > 0);
			assertThat(client.read().body()).hasSize(size);
			assertThat(client.readUntilClosed()).isEmpty();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 16, 17, 100 })
	void whenPipelinedRequestsAreFollowedByAHalfCloseThenEachIsAnsweredInOrderAndTheServerCloses(int count)
			throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send(requests(count));
			client.socket().shutdownOutput();
			assertAnswered(client, count);
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
		assertServes(server);
	}

	/**
	 * What a user types: {@code nc -N} sends the requests, half-closes, and prints the
	 * answers until the server closes. Its idle timer is far longer than the exchange: nc
	 * ends this soon only because the server closed once all was answered.
	 */
	@Test
	void whenNetcatSendsPipelinedRequestsAndHalfClosesThenItPrintsEveryAnswerInOrder() throws Exception {
		QHttpServer server = start();
		int count = 65;
		long started = System.nanoTime();
		String output = new String(Netcat.halfCloseExchange(server.serverPort(),
				requests(count).getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(30)),
				StandardCharsets.ISO_8859_1);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
		String[] answers = output.split("HTTP/1.1 200 OK\r\n", -1);
		assertThat(answers).hasSize(count + 1);
		for (int i = 0; i < count; i++) {
			assertThat(answers[i + 1]).as("answer " + i).endsWith("\r\n\r\n" + expected(i));
		}
	}

	@Test
	void whenPipelinedRequestsArriveInRandomPiecesBeforeAHalfCloseThenEachIsAnsweredInOrder() throws Exception {
		QHttpServer server = start();
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int round = 0; round < 20; round++) {
			int count = 1 + random.nextInt(40);
			byte[] bytes = requests(count).getBytes(StandardCharsets.ISO_8859_1);
			try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
				client.socket().setTcpNoDelay(true);
				for (int from = 0; from < bytes.length;) {
					int to = Math.min(bytes.length, from + 1 + random.nextInt(200));
					client.send(java.util.Arrays.copyOfRange(bytes, from, to));
					from = to;
				}
				client.socket().shutdownOutput();
				assertAnswered(client, count);
				assertThat(client.isClosedByServer()).as("seed " + seed + ", round " + round).isTrue();
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	@Test
	void whenRequestsWithBodiesAreFollowedByAHalfCloseThenTheyAreAnswered() throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
					+ "PUT /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
					+ "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
			client.socket().shutdownOutput();
			assertThat(client.read().text()).isEqualTo("POST /echo hello");
			assertThat(client.read().text()).isEqualTo("PUT /echo abcdefg");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	@Test
	void whenALargeAnswerIsReadSlowlyAfterAHalfCloseThenItArrivesWhole() throws Exception {
		int size = 4 * 1024 * 1024;
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			client.send("GET /big/" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\nGET /slow/1?delay=10 HTTP/1.1\r\n"
					+ "Host: localhost\r\n\r\n");
			client.socket().shutdownOutput();
			// the server fills the client's buffer and waits for it to be read
			await().atMost(Duration.ofSeconds(5)).until(() -> client.input().available() > 0);
			assertThat(client.read().body()).hasSize(size);
			assertThat(client.read().text()).isEqualTo("slow 1");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	/**
	 * The half-close is read while nothing is being written; the answer comes later and
	 * is far larger than the socket buffers, so it must wait for the client to read.
	 */
	@Test
	void whenALargeAnswerComesLaterThanTheHalfCloseThenItArrivesWhole() throws Exception {
		int size = 8 * 1024 * 1024;
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			client.send("GET /later/" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
			client.socket().shutdownOutput();
			await().atMost(Duration.ofSeconds(5)).until(() -> client.input().available() > 0);
			// far more than the sockets hold: the server waits for room again and again
			assertThat(client.read().body()).hasSize(size);
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	@Test
	void whenAnIdleConnectionIsHalfClosedThenTheServerClosesIt() throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/now");
			assertThat(client.read().text()).isEqualTo("now");
			client.socket().shutdownOutput();
			assertThat(client.isClosedByServer()).isTrue();
		}
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			// no request at all
			client.socket().shutdownOutput();
			assertThat(client.isClosedByServer()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	@Test
	void whenABodyIsCutShortByAHalfCloseThenTheConnectionIsClosedWithNoHandlerError() throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nhello");
			client.socket().shutdownOutput();
			String rest = new String(client.readUntilClosed(), StandardCharsets.ISO_8859_1);
			assertThat(rest).doesNotContain("hello");
		}
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			// the request's head never ends
			client.send("GET /now HTTP/1.1\r\nHost: loc");
			client.socket().shutdownOutput();
			assertThat(new String(client.readUntilClosed(), StandardCharsets.ISO_8859_1))
				.startsWith("HTTP/1.1 400 Bad Request\r\n")
				.contains("\r\nconnection: close\r\n");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
		assertThat(this.fixture.eventsOf(HttpHandlerErrorEvent.class)).isEmpty();
		assertServes(server);
	}

	@Test
	void whenAClientHalfClosesDuringAStreamedAnswerThenTheStreamIsSentWhole() throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/countdown/20");
			client.socket().shutdownOutput();
			RawHttpClient.Response response = client.read();
			assertThat(response.text()).isEqualTo("20 19 18 17 16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 ");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	@Test
	void whenAnHttp2ClientHalfClosesWhileItsStreamsAreAnsweredLaterThenItGetsEveryAnswer() throws Exception {
		QHttpServer server = this.fixture.start(
				(settings) -> settings.http2(true).keepAliveTimeout(KEEP_ALIVE).halfClose(HalfClose.ANSWER), routes());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			ByteArrayOutputStream frames = new ByteArrayOutputStream();
			frames.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			frames.writeBytes(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
			for (int stream = 1; stream <= 9; stream += 2) {
				frames.writeBytes(get(stream, "/slow/" + stream + "?delay=" + (60 - stream * 5)));
			}
			client.send(frames.toByteArray());
			client.socket().shutdownOutput();
			String answers = new String(client.readUntilClosed(), StandardCharsets.ISO_8859_1);
			for (int stream = 1; stream <= 9; stream += 2) {
				assertThat(answers).contains("slow " + stream);
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	/**
	 * An HTTP/2 client that grants a large window, asks for 4 MB answered after its
	 * half-close, and reads slowly still gets every byte of its stream before the server
	 * closes.
	 */
	@Test
	void whenAnHttp2ClientHalfClosesAndReadsALargeAnswerSlowlyThenItGetsEveryByte() throws Exception {
		QHttpServer server = this.fixture.start(
				(settings) -> settings.http2(true).keepAliveTimeout(KEEP_ALIVE).halfClose(HalfClose.ANSWER), routes());
		int size = 4 * 1024 * 1024;
		try (RawHttpClient client = RawHttpClient.connectWithSmallBuffer(server.serverPort())) {
			ByteArrayOutputStream frames = new ByteArrayOutputStream();
			frames.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			// SETTINGS: INITIAL_WINDOW_SIZE 2^31 - 1, so the stream never waits for a
			// WINDOW_UPDATE the half-closed client could not send
			frames.writeBytes(
					new byte[] { 0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff });
			// WINDOW_UPDATE of the connection's window to 2^31 - 1
			int increment = Integer.MAX_VALUE - 65_535;
			frames.writeBytes(new byte[] { 0, 0, 4, 8, 0, 0, 0, 0, 0, (byte) (increment >>> 24),
					(byte) (increment >>> 16), (byte) (increment >>> 8), (byte) increment });
			frames.writeBytes(get(1, "/later/" + size));
			client.send(frames.toByteArray());
			client.socket().shutdownOutput();
			byte[] received = client.readUntilClosed();
			assertThat(dataOfStream(received, 1)).isEqualTo(size);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
	}

	/**
	 * The bytes of a stream's DATA frames among the frames a server sent, or -1 when the
	 * stream did not end.
	 */
	private static long dataOfStream(byte[] received, int stream) {
		long data = 0;
		int at = 0;
		while (at + 9 <= received.length) {
			int length = ((received[at] & 0xff) << 16) | ((received[at + 1] & 0xff) << 8) | (received[at + 2] & 0xff);
			int type = received[at + 3];
			int flags = received[at + 4];
			int id = ((received[at + 5] & 0x7f) << 24) | ((received[at + 6] & 0xff) << 16)
					| ((received[at + 7] & 0xff) << 8) | (received[at + 8] & 0xff);
			if (type == 0 && id == stream) {
				data += length;
				if ((flags & 1) != 0) {
					return data;
				}
			}
			at += 9 + length;
		}
		return -1;
	}

	/**
	 * An HTTP/2 HEADERS frame that ends its stream: a GET of a path, its header block
	 * from HPACK's static table and literals, no Huffman coding.
	 */
	private static byte[] get(int stream, String path) {
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		// :method GET, :scheme http, then :path and :authority as literals
		block.writeBytes(new byte[] { (byte) 0x82, (byte) 0x86, 0x44, (byte) path.length() });
		block.writeBytes(path.getBytes(StandardCharsets.US_ASCII));
		block.writeBytes(new byte[] { 0x41, 9 });
		block.writeBytes("localhost".getBytes(StandardCharsets.US_ASCII));
		int length = block.size();
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		// type HEADERS, flags END_STREAM and END_HEADERS
		frame.writeBytes(new byte[] { 0, 0, (byte) length, 1, 5, 0, 0, 0, (byte) stream });
		frame.writeBytes(block.toByteArray());
		return frame.toByteArray();
	}

	private static void assertAnswered(RawHttpClient client, int count) throws IOException {
		for (int i = 0; i < count; i++) {
			String description = "answer " + i + " of " + count;
			assertThat(assertDoesNotThrow(client::read, description).text()).as(description).isEqualTo(expected(i));
		}
	}

	private static void assertServes(QHttpServer server) throws Exception {
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.get("/now");
			assertThat(client.read().text()).isEqualTo("now");
		}
	}

	/**
	 * Answered by a worker, on the event loop at once, and later from a timer, in turn.
	 */
	private static String requests(int count) {
		StringBuilder requests = new StringBuilder();
		for (int i = 0; i < count; i++) {
			String path = switch (i % 3) {
				case 0 -> "/echo?n=" + i;
				case 1 -> "/now?n=" + i;
				default -> "/slow/" + i + "?delay=" + (i % 7);
			};
			requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
		}
		return requests.toString();
	}

	private static String expected(int i) {
		return switch (i % 3) {
			case 0 -> "GET /echo ";
			case 1 -> "now";
			default -> "slow " + i;
		};
	}

	/**
	 * Pipelined requests, the last with {@code Connection: close}, then the client's FIN:
	 * every one is answered, in order, the closing one last.
	 */
	@Test
	void whenAClientPipelinesRequestsEndingWithCloseAndHalfClosesThenEveryOneIsAnswered() throws Exception {
		QHttpServer server = start();
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("GET /slow/0?delay=200 HTTP/1.1\r\nHost: h\r\n\r\nGET /echo HTTP/1.1\r\nHost: h\r\n\r\n"
					+ "GET /now HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
			client.socket().shutdownOutput();
			assertThat(client.read().text()).isEqualTo("slow 0");
			assertThat(client.read().text()).isEqualTo("GET /echo ");
			RawHttpClient.Response last = client.read();
			assertThat(last.text()).isEqualTo("now");
			assertThat(last.header("connection")).isEqualTo("close");
			assertThat(client.isClosedByServer()).isTrue();
		}
	}

	/** The routes of {@link HttpConnectionTests.Echo}, and two of this test's own. */
	private static Object[] routes() {
		return new Object[] { new HttpConnectionTests.Echo(), new LaterRoutes() };
	}

	static class LaterRoutes {

		@Route("/later/{size}")
		CompletionStage<String> later(@PathVariable int size) {
			return CompletableFuture.supplyAsync(() -> "l".repeat(size),
					CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
		}

		@Route("/countdown/{from}")
		Flux<String> countdown(@PathVariable int from) {
			return Flux.range(0, from).map((i) -> (from - i) + " ").delayElements(Duration.ofMillis(2));
		}

	}

}
