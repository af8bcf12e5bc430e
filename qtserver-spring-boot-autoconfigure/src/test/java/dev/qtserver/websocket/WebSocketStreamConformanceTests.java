package dev.qtserver.websocket;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.StreamClient;
import dev.qtserver.test.StreamClient.Chunking;
import dev.qtserver.test.StreamClient.Ending;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket session loses nothing at its close: every message a client sent before its
 * close frame is handled and answered before {@code @OnDisconnect}, and the server's
 * close frame comes after those answers. Once upgraded, the client sends its messages and
 * its close frame as one byte stream, split into writes in several ways; counts sit at
 * the edges of the flow's read-ahead and past it.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebSocketStreamConformanceTests {

	private static final int PREFETCH = dev.qtserver.handler.AnnotatedMessageFlow.PREFETCH;

	private static final long SEED = Long.getLong("qtserver.test.seed", 20261130L);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final List<QWebSocketServer> servers = new ArrayList<>();

	private WorkerPool workers;

	private int outputStart;

	@BeforeEach
	void createWorkers(CapturedOutput output) {
		this.outputStart = output.getAll().length();
		this.workers = WorkerPool.platformThreads(8, "ws-stream-worker-");
	}

	@AfterEach
	void shutdown() {
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (String execution : List.of("worker", "event loop", "mixed")) {
			for (int count : List.of(1, PREFETCH - 1, PREFETCH, PREFETCH + 1, 1000, 10_000)) {
				for (Chunking chunking : Chunking.values()) {
					if (chunking != Chunking.BYTE_BY_BYTE || count <= PREFETCH + 1) {
						cases.add(Arguments.of(execution, count, chunking));
					}
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} messages {2}")
	@MethodSource("cases")
	void whenClientClosesAfterItsMessagesThenEveryMessageIsAnsweredBeforeTheCloseFrame(String execution, int count,
			Chunking chunking, CapturedOutput output) throws Exception {
		long seed = SEED * 31 + List.of(execution, count, chunking).toString().hashCode();
		Recorder recorder = new Recorder();
		QWebSocketServer server = start(switch (execution) {
			case "event loop" -> new NonBlockingEcho(recorder);
			case "mixed" -> new MixedEcho(recorder);
			default -> new Echo(recorder);
		});
		List<String> messages = messages(count, new Random(seed));
		byte[] upgrade = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + RawWebSocketClient.newKey() + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		for (String message : messages) {
			request.writeBytes(RawWebSocketClient.frame(true, RawWebSocketClient.TEXT,
					message.getBytes(StandardCharsets.UTF_8), true));
		}
		request.writeBytes(
				RawWebSocketClient.frame(true, RawWebSocketClient.CLOSE, new byte[] { 0x03, (byte) 0xE8 }, true));
		byte[] reply;
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			// RFC 6455 4.1: a client sends nothing more until the server answered the
			// handshake
			client.send(upgrade, chunking, new Random(seed), Ending.KEEP_OPEN);
			client.awaitReceived("\r\n\r\n", WAIT);
			client.send(request.toByteArray(), chunking, new Random(seed), Ending.KEEP_OPEN);
			reply = client.awaitEndOfStream(WAIT);
		}
		ServerStream answered = ServerStream.parse(reply);
		assertThat(answered.statusLine()).as("seed %d", seed).isEqualTo("HTTP/1.1 101 Switching Protocols");
		assertThat(answered.texts()).as("seed %d: the answers before the close frame", seed).isEqualTo(messages);
		assertThat(answered.closeCode()).as("seed %d: the server's close frame, last", seed).isEqualTo(1000);
		waiting().until(() -> recorder.disconnects() == 1);
		assertThat(recorder.messages()).isEqualTo(messages);
		assertThat(recorder.messagesAfterDisconnect()).isZero();
		assertThat(recorder.messagesBeforeConnect()).isZero();
		assertThat(output.getAll().substring(this.outputStart)).doesNotContain("post termination")
			.doesNotContain(" WARN ")
			.doesNotContain(" ERROR ");
	}

	private QWebSocketServer start(Object handler) {
		QWebSocketServer server = new QWebSocketServer("stream",
				WebSocketServerSettings.builder().address(InetAddress.getLoopbackAddress()).build(), (event) -> {
				}, this.workers.executor(), List.of());
		this.servers.add(server);
		server.bindHandler(handler, "handler");
		assertThat(server.listen()).isTrue();
		return server;
	}

	private static ConditionFactory waiting() {
		return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
	}

	private static List<String> messages(int count, Random random) {
		List<String> messages = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			messages.add(i + ":" + "x".repeat(random.nextInt(200)));
		}
		return messages;
	}

	/**
	 * What the server sent: the handshake's status line, its text frames, then its close
	 * code.
	 */
	private record ServerStream(String statusLine, List<String> texts, int closeCode) {

		static ServerStream parse(byte[] bytes) throws IOException {
			String all = new String(bytes, StandardCharsets.ISO_8859_1);
			int headEnd = all.indexOf("\r\n\r\n");
			assertThat(headEnd).as("the handshake response").isPositive();
			String statusLine = all.substring(0, all.indexOf("\r\n"));
			DataInputStream in = new DataInputStream(
					new ByteArrayInputStream(bytes, headEnd + 4, bytes.length - headEnd - 4));
			List<String> texts = new ArrayList<>();
			int closeCode = -1;
			while (in.available() > 0 && closeCode == -1) {
				int first = in.readUnsignedByte();
				int length = in.readUnsignedByte() & 0x7F;
				long size = (length == 126) ? in.readUnsignedShort() : (length == 127) ? in.readLong() : length;
				byte[] payload = in.readNBytes((int) size);
				switch (first & 0x0F) {
					case RawWebSocketClient.TEXT -> texts.add(new String(payload, StandardCharsets.UTF_8));
					case RawWebSocketClient.CLOSE ->
						closeCode = (payload.length >= 2) ? ByteBuffer.wrap(payload, 0, 2).getShort() & 0xFFFF : 1005;
					default -> throw new AssertionError("Unexpected frame opcode " + (first & 0x0F));
				}
			}
			assertThat(in.available()).as("bytes after the close frame").isZero();
			return new ServerStream(statusLine, texts, closeCode);
		}

	}

	/** The messages a handler saw and when it was told of the disconnect. */
	static final class Recorder {

		private final List<String> messages = new ArrayList<>();

		private int disconnects;

		private int messagesAfterDisconnect;

		private boolean connectSeen;

		private int messagesBeforeConnect;

		synchronized void message(String text) {
			if (this.disconnects > 0) {
				this.messagesAfterDisconnect++;
			}
			if (this.connectSeen != this.expectConnect) {
				this.messagesBeforeConnect++;
			}
			this.messages.add(text);
		}

		synchronized void disconnected() {
			this.disconnects++;
		}

		/** Whether the handler reports its {@code @OnConnect}. */
		private boolean expectConnect;

		synchronized void expectConnect() {
			this.expectConnect = true;
		}

		synchronized void connected() {
			this.connectSeen = true;
		}

		synchronized int messagesBeforeConnect() {
			return this.messagesBeforeConnect;
		}

		synchronized List<String> messages() {
			return List.copyOf(this.messages);
		}

		synchronized int disconnects() {
			return this.disconnects;
		}

		synchronized int messagesAfterDisconnect() {
			return this.messagesAfterDisconnect;
		}

	}

	static class Echo {

		private final Recorder recorder;

		Echo(Recorder recorder) {
			this.recorder = recorder;
		}

		@OnMessage
		String echo(String text) {
			this.recorder.message(text);
			return text;
		}

		@OnDisconnect
		void bye() {
			this.recorder.disconnected();
		}

	}

	@NonBlocking
	static class NonBlockingEcho extends Echo {

		NonBlockingEcho(Recorder recorder) {
			super(recorder);
		}

	}

	/**
	 * Placed by signature: connect and disconnect on the worker, messages on the event
	 * loop, every third reply completing later on another thread.
	 */
	static class MixedEcho {

		private final Recorder recorder;

		private int count;

		MixedEcho(Recorder recorder) {
			this.recorder = recorder;
			recorder.expectConnect();
		}

		@OnConnect
		void hello() {
			this.recorder.connected();
		}

		@OnMessage
		Mono<String> echo(String text) {
			this.recorder.message(text);
			Mono<String> now = Mono.just(text);
			return (++this.count % 3 == 0) ? now.publishOn(Schedulers.parallel()) : now;
		}

		@OnDisconnect
		void bye() {
			this.recorder.disconnected();
		}

	}

}
