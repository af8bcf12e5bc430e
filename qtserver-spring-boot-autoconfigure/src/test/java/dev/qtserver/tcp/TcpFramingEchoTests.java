package dev.qtserver.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Echo round trips through a {@link QTcpServer} with an annotated handler, over real
 * loopback sockets: each {@link TcpFraming}, each payload type, ordering, streamed and
 * empty replies.
 */
class TcpFramingEchoTests {

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<TcpTestClient> clients = new ArrayList<>();

	private WorkerPool workers;

	@BeforeEach
	void createWorkers() {
		this.workers = WorkerPool.platformThreads(8, "test-worker-");
	}

	@AfterEach
	void shutdown() throws IOException {
		for (TcpTestClient client : this.clients) {
			client.close();
		}
		for (QTcpServer server : this.servers) {
			server.shutdown(Duration.ofSeconds(2));
		}
		this.workers.close();
	}

	@Test
	void whenLineFramedThenEachLineIsOneStringMessageAndRepliesEndWithNewline() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new StringEcho()));
		client.send("hello\nworld\n");
		assertThat(client.readExactly("[hello]\n[world]\n".length())).asString(StandardCharsets.UTF_8)
			.isEqualTo("[hello]\n[world]\n");
	}

	@Test
	void whenLineEndsWithCarriageReturnNewlineThenBothAreStripped() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new StringEcho()));
		client.send("hello\r\nworld\n");
		assertThat(client.readLine()).isEqualTo("[hello]");
		assertThat(client.readLine()).isEqualTo("[world]");
	}

	@Test
	void whenLineFramedThenByteArrayMessagesAreEchoed() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new ReversingBytes()));
		client.send("abc\ndefg\n");
		assertThat(client.readLine()).isEqualTo("cba");
		assertThat(client.readLine()).isEqualTo("gfed");
	}

	@Test
	void whenLineFramedThenByteBufferMessagesAreEchoed() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new ByteBufferEcho()));
		client.send("abc\ndefg\n");
		assertThat(client.readLine()).isEqualTo("abc");
		assertThat(client.readLine()).isEqualTo("defg");
	}

	@Test
	void whenDelimiterIsNulThenFramesAreCutAtItAndRepliesEndWithIt() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.DELIMITER).delimiter("\0"), new StringEcho()));
		client.send("one\0two\nlines\0");
		assertThat(client.readExactly("[one]\0[two\nlines]\0".length())).asString(StandardCharsets.UTF_8)
			.isEqualTo("[one]\0[two\nlines]\0");
	}

	@Test
	void whenDelimiterIsPipeThenByteArrayAndByteBufferMessagesAreEchoed() throws IOException {
		TcpTestClient bytes = connect(start(settings(TcpFraming.DELIMITER).delimiter("|"), new ReversingBytes()));
		TcpTestClient buffers = connect(start(settings(TcpFraming.DELIMITER).delimiter("|"), new ByteBufferEcho()));
		bytes.send("abc|de|");
		buffers.send("abc|de|");
		assertThat(bytes.readExactly(7)).asString(StandardCharsets.UTF_8).isEqualTo("cba|ed|");
		assertThat(buffers.readExactly(7)).asString(StandardCharsets.UTF_8).isEqualTo("abc|de|");
	}

	@Test
	void whenLengthFieldIsTwoBytesThenRepliesCarryATwoByteBigEndianLength() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LENGTH_FIELD).lengthFieldLength(2), new StringEcho()));
		String text = "x".repeat(300);
		client.sendRaw(concat(new byte[] { 0x01, 0x2C }, text.getBytes(StandardCharsets.US_ASCII)));
		// 302 bytes: "[" + 300 + "]"
		assertThat(client.readExactly(2)).containsExactly(0x01, 0x2E);
		assertThat(client.readExactly(302)).asString(StandardCharsets.US_ASCII).isEqualTo("[" + text + "]");
	}

	@Test
	void whenLengthFieldIsFourBytesThenByteArrayRepliesCarryAFourByteBigEndianLength() throws IOException {
		TcpTestClient client = connect(
				start(settings(TcpFraming.LENGTH_FIELD).lengthFieldLength(4), new ReversingBytes()));
		byte[] payload = new byte[300];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		byte[] framed = concat(new byte[] { 0, 0, 0x01, 0x2C }, payload);
		// a frame split inside its length field, then a second frame: reassembled, in
		// order
		client.sendRaw(Arrays.copyOfRange(framed, 0, 3));
		client.sendRaw(concat(Arrays.copyOfRange(framed, 3, framed.length), new byte[] { 0, 0, 0, 2, 'h', 'i' }));
		assertThat(client.readExactly(4)).containsExactly(0, 0, 0x01, 0x2C);
		byte[] reply = client.readExactly(300);
		assertThat(reply[0]).isEqualTo(payload[299]);
		assertThat(reply[299]).isEqualTo(payload[0]);
		assertThat(client.readExactly(6)).containsExactly(0, 0, 0, 2, 'i', 'h');
	}

	@Test
	void whenLengthFieldFramedThenByteBufferMessagesAreEchoed() throws IOException {
		TcpTestClient client = connect(
				start(settings(TcpFraming.LENGTH_FIELD).lengthFieldLength(2), new ByteBufferEcho()));
		client.sendRaw(new byte[] { 0, 3, 'a', 'b', 'c', 0, 0 });
		assertThat(client.readExactly(5)).containsExactly(0, 3, 'a', 'b', 'c');
		// an empty frame is a message too
		assertThat(client.readExactly(2)).containsExactly(0, 0);
	}

	@Test
	void whenRawThenBytesAreEchoedAsTheyAre() throws IOException {
		TcpTestClient bytes = connect(start(settings(TcpFraming.RAW), new BytesEcho()));
		TcpTestClient buffers = connect(start(settings(TcpFraming.RAW), new ByteBufferEcho()));
		byte[] everyByte = new byte[256];
		for (int i = 0; i < everyByte.length; i++) {
			everyByte[i] = (byte) i;
		}
		bytes.sendRaw(everyByte);
		buffers.sendRaw(everyByte);
		assertThat(bytes.readExactly(256)).isEqualTo(everyByte);
		assertThat(buffers.readExactly(256)).isEqualTo(everyByte);
	}

	@Test
	void whenRawThenStringRepliesGetNoDelimiter() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.RAW), new PlainStringEcho()));
		client.send("ping");
		assertThat(client.readExactly(4)).asString(StandardCharsets.UTF_8).isEqualTo("ping");
		client.send("pong");
		assertThat(client.readExactly(4)).asString(StandardCharsets.UTF_8).isEqualTo("pong");
	}

	@Test
	void whenManyMessagesArePipelinedThenRepliesComeBackInOrder() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new StringEcho()));
		int count = 2_000;
		StringBuilder pipelined = new StringBuilder();
		for (int i = 0; i < count; i++) {
			pipelined.append("message-").append(i).append('\n');
		}
		client.send(pipelined.toString());
		for (int i = 0; i < count; i++) {
			assertThat(client.readLine()).isEqualTo("[message-" + i + "]");
		}
	}

	@Test
	void whenHandlerReturnsFluxThenEachItemIsAReplyAndTheNextMessageWaitsForIt() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new SlowSplitter()));
		client.send("1a,1b,1c\n2a,2b\n");
		List<String> replies = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			replies.add(client.readLine());
		}
		assertThat(replies).containsExactly("1a", "1b", "1c", "2a", "2b");
	}

	@Test
	void whenVoidHandlerReturnsThenNothingIsSent() throws IOException {
		QuietAcknowledger handler = new QuietAcknowledger();
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), handler));
		client.send("silent\nloud\n");
		// had the void method written anything, it would come before the acknowledgement
		assertThat(client.readLine()).isEqualTo("ack loud");
		assertThat(handler.received).containsExactly("silent", "loud");
	}

	@Test
	void whenHandlerReturnsNullThenNothingIsSent() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new NullForSilent()));
		client.send("silent\nloud\n");
		assertThat(client.readLine()).isEqualTo("loud");
	}

	@Test
	void whenTextIsMultiByteUtf8ThenItRoundTrips() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LINE), new StringEcho()));
		String text = "héllo wörld ✓ 日本語 😀";
		byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
		// split inside the emoji's four bytes: decoding is per frame, not per read
		client.sendRaw(Arrays.copyOfRange(line, 0, line.length - 3));
		client.sendRaw(Arrays.copyOfRange(line, line.length - 3, line.length));
		assertThat(client.readLine()).isEqualTo("[" + text + "]");
	}

	@Test
	void whenLengthFieldFramedThenMultiByteTextIsPrefixedWithItsByteLength() throws IOException {
		TcpTestClient client = connect(start(settings(TcpFraming.LENGTH_FIELD).lengthFieldLength(2), new StringEcho()));
		byte[] text = "日本".getBytes(StandardCharsets.UTF_8);
		client.sendRaw(concat(new byte[] { 0, (byte) text.length }, text));
		byte[] reply = "[日本]".getBytes(StandardCharsets.UTF_8);
		assertThat(client.readExactly(2)).containsExactly(0, reply.length);
		assertThat(client.readExactly(reply.length)).isEqualTo(reply);
	}

	private static TcpServerSettings.Builder settings(TcpFraming framing) {
		return TcpServerSettings.builder().address(InetAddress.getLoopbackAddress()).port(0).framing(framing);
	}

	private QTcpServer start(TcpServerSettings.Builder settings, Object handler) {
		QTcpServer server = new QTcpServer("echo", settings.build(), (event) -> {
		}, this.workers.executor(), List.of());
		this.servers.add(server);
		server.bindHandler(handler, "echoHandler");
		assertThat(server.listen()).isTrue();
		return server;
	}

	private TcpTestClient connect(QTcpServer server) throws IOException {
		TcpTestClient client = TcpTestClient.connect(server.serverPort());
		this.clients.add(client);
		return client;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	static class StringEcho {

		@OnMessage
		String echo(String message) {
			return "[" + message + "]";
		}

	}

	static class PlainStringEcho {

		@OnMessage
		String echo(String message) {
			return message;
		}

	}

	static class BytesEcho {

		@OnMessage
		byte[] echo(byte[] message) {
			return message;
		}

	}

	static class ReversingBytes {

		@OnMessage
		byte[] reverse(byte[] message) {
			byte[] reversed = new byte[message.length];
			for (int i = 0; i < message.length; i++) {
				reversed[i] = message[message.length - 1 - i];
			}
			return reversed;
		}

	}

	static class ByteBufferEcho {

		@OnMessage
		ByteBuffer echo(ByteBuffer message, QTcpSocket socket) {
			return message;
		}

	}

	static class SlowSplitter {

		@OnMessage
		Flux<String> split(String message) {
			// delayed items: were the next message not made to wait, its replies would
			// overtake these
			return Flux.fromArray(message.split(",")).delayElements(Duration.ofMillis(20));
		}

	}

	static class QuietAcknowledger {

		final List<String> received = new CopyOnWriteArrayList<>();

		@OnMessage
		void acknowledge(QTcpSocket socket, String message) {
			this.received.add(message);
			if (!message.equals("silent")) {
				socket.send("ack " + message);
			}
		}

	}

	static class NullForSilent {

		@OnMessage
		String echo(String message) {
			return message.equals("silent") ? null : message;
		}

	}

}
