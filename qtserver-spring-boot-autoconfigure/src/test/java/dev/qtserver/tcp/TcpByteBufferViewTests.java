package dev.qtserver.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.StreamClient;
import dev.qtserver.test.StreamClient.Chunking;
import dev.qtserver.test.StreamClient.Ending;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code ByteBuffer} handler on the event loop works on views of the frames it
 * receives: a reply that is the view, unchanged, goes back as the received frame's bytes
 * without being framed again (the frame itself when it is over 1 KB or alone in its
 * flush; smaller ones are copied into the one buffer the flush writes, with the replies
 * around them), any other reply is framed as usual; a view ends with its call (or with
 * the reply that outlives the call, which keeps the frame until then), while a message
 * that waits its turn, or runs on a worker, gets a copy. Real sockets; a tap in the
 * pipeline tells a frame written back from a new buffer; the paranoid leak detector fails
 * the class if a kept frame is never released.
 */
class TcpByteBufferViewTests {

	private static final long SEED = Long.getLong("qtserver.test.seed", 20260412L);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int MAX_FRAME_LENGTH = 64 * 1024;

	/** Small replies of one flush share a buffer; longer ones go as they are (Outbox). */
	private static final int MAX_COPIED = 1024;

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	private final FrameTap tap = new FrameTap();

	private WorkerPool workers;

	@BeforeEach
	void createWorkers() {
		this.workers = WorkerPool.platformThreads(4, "view-worker-");
	}

	@AfterEach
	void shutdown() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
		this.tap.clear();
	}

	@ParameterizedTest(name = "lines of {0} bytes")
	@ValueSource(ints = { 0, 1, 2, 1022, 1023, 1024, 2046, 2047, 2048, 16383, 16384, 16385, MAX_FRAME_LENGTH - 1,
			MAX_FRAME_LENGTH })
	void whenTheViewIsReturnedThenEachLineGoesBackAsItCame(int length) throws Exception {
		// lengths at the edges of the read buffers (the frames being one byte longer),
		// up to the longest line allowed
		QTcpServer server = start(settings(TcpFraming.LINE), new ViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED + length);
		// in one write, then split at random
		byte[] request = lines(random, length, length, length);
		client.sendRaw(request);
		assertThat(client.readExactly(request.length)).isEqualTo(request);
		request = lines(random, length, length, length);
		assertEchoedInPieces(client, request, random);
		if (length + 1 > MAX_COPIED) {
			assertThat(this.tap.framesWritten()).isEqualTo(6);
			assertThat(this.tap.copiesWritten()).isZero();
		}
		else {
			// a flush's small replies share a buffer: at most one write each
			assertThat(this.tap.writes()).isBetween(2, 6);
		}
		assertThat(server.statistics().messagesSent()).isEqualTo(6);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = TcpFraming.class, names = { "LINE", "DELIMITER" })
	void whenAFrameIsOneByteOverTheLongestAllowedThenTheConnectionClosesThoughTheDelimiterStaysInFrames(
			TcpFraming framing) throws Exception {
		// the limit counts the payload, the delimiter that whole frames keep aside
		TcpTestClient client = connect(start(settings(framing).delimiter("\r\n--\r\n"), new ViewEcho(this.tap)));
		String end = (framing == TcpFraming.LINE) ? "\n" : "\r\n--\r\n";
		String longest = "x".repeat(MAX_FRAME_LENGTH) + end;
		client.send(longest);
		assertThat(client.readExactly(longest.length())).asString(StandardCharsets.US_ASCII).isEqualTo(longest);
		client.send("y".repeat(MAX_FRAME_LENGTH + 1) + end);
		assertThat(client.awaitClosed(WAIT)).isTrue();
	}

	@Test
	void whenManyLinesComeInRandomPiecesThenEveryViewGoesBackInOrder() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new ViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		int count = 2000;
		// rounds of sixteen lines in flight, as the benchmark's load: within the
		// read-ahead, so each line is handled as it arrives
		for (int round = 0; round < count / 16; round++) {
			byte[] request = lines(random, randomLengths(random, 16));
			assertEchoedInPieces(client, request, random);
		}
		// a flush's replies share a buffer: fewer writes than lines, every line counted
		assertThat(this.tap.writes()).isPositive().isLessThan(count);
		assertThat(server.statistics().messagesSent()).isEqualTo(count);
	}

	@Test
	void whenMoreLinesComeAtOnceThanTheReadAheadThenTheyAllGoBackInOrder() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new ViewEcho(this.tap));
		Random random = new Random(SEED);
		int count = 20_000;
		byte[] request = lines(random, randomLengths(random, count));
		assertThat(exchange(server, request, Chunking.RANDOM, random)).isEqualTo(request);
		// those past the read-ahead of one read wait their turn, and get copies
		assertThat(this.tap.writes()).isPositive().isLessThanOrEqualTo(count);
		assertThat(server.statistics().messagesSent()).isEqualTo(count);
	}

	@Test
	void whenEachLineComesInAReadOfItsOwnThenItIsHandledWithinTheReadNotThroughReactorNettysQueue() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new ViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		for (int i = 0; i < 300; i++) {
			byte[] request = lines(random, randomLengths(random, 1));
			client.sendRaw(request);
			assertThat(client.readExactly(request.length)).isEqualTo(request);
		}
		// taken from the pipeline as they came: none went on to Reactor Netty's inbound
		// stream, each went back as its frame, and each was counted
		assertThat(this.tap.framesPassedOn()).isZero();
		assertThat(this.tap.framesWritten()).isEqualTo(300);
		assertThat(server.statistics().messagesReceived()).isEqualTo(300);
		assertThat(server.statistics().messagesSent()).isEqualTo(300);
	}

	@Test
	void whenSomeRepliesHoldTheQueueThenTheLinesBehindThemGoThroughTheStreamAndAllComeBackInOrder() throws Exception {
		// every fifth line answered late: the lines read meanwhile wait in Reactor
		// Netty's inbound stream, and those read after them follow them there until it
		// has delivered them all; then lines are taken from the pipeline again
		QTcpServer server = start(settings(TcpFraming.LINE), new EveryFifthLate(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		int count = 0;
		for (int round = 0; round < 100; round++) {
			int roundLines = 1 + random.nextInt(40);
			count += roundLines;
			assertEchoedInPieces(client, lines(random, randomLengths(random, roundLines)), random);
		}
		byte[] request = lines(random, randomLengths(random, 5000));
		count += 5000;
		assertEchoedInPieces(client, request, random);
		assertThat(this.tap.framesPassedOn()).isPositive();
		assertThat(this.tap.writes()).isPositive().isLessThanOrEqualTo(count);
		assertThat(server.statistics().messagesReceived()).isEqualTo(count);
		assertThat(server.statistics().messagesSent()).isEqualTo(count);
	}

	@Test
	void whenALineEndsWithCarriageReturnNewlineThenItsViewGoesBackEndedByANewlineAlone() throws Exception {
		// "x\r" + "\r\n": the payload keeps its own carriage return
		assertExchange(new ViewEcho(this.tap), "crlf\r\nlf\n\r\nx\r\r\n", "crlf\nlf\n\nx\r\n");
	}

	@Test
	void whenTheHandlerChangesTheViewInPlaceThenTheChangedFrameGoesBack() throws Exception {
		assertExchange(new UpperCasingInPlace(this.tap), "hello\nwörld\n\n", "HELLO\nWöRLD\n\n");
	}

	@Test
	void whenTheHandlerMovesTheViewsPositionOrLimitThenWhatRemainsIsSentAsACopy() throws Exception {
		// a leading "<" moves the position past it, a trailing ">" the limit before it
		assertExchange(new Trimming(this.tap), "<abc\nabc>\n<abc>\n=abc\n", "abc\nabc\nabc\n=abc\n");
	}

	@Test
	void whenTheHandlerReturnsAnotherBufferThenItIsFramedAsAnyReply() throws Exception {
		assertExchange(new Bracketing(this.tap), "abc\n\n", "[abc]\n[]\n");
	}

	@Test
	void whenTheHandlerKeepsAViewPastItsCallThenTheViewIsEmptyNotAnotherMessage() throws Exception {
		KeepingViews handler = new KeepingViews(this.tap);
		QTcpServer server = start(settings(TcpFraming.LINE), handler);
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		for (int round = 0; round < 20; round++) {
			byte[] request = lines(random, randomLengths(random, 10));
			assertEchoedInPieces(client, request, random);
		}
		// at each call, the view kept from the call before: nothing left to read, and
		// nothing to read past its limit either
		assertThat(handler.seenLater).hasSize(199).allSatisfy((seen) -> assertThat(seen).isEqualTo("empty"));
		assertThat(server.statistics().messagesSent()).isEqualTo(200);
	}

	@Test
	void whenAMonoReturnsTheViewLaterThenItsFrameIsKeptUntilThenAndGoesBack() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new DelayedViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		// one line at a time: each is handled as it arrives, on a view, and its frame
		// goes back when the reply comes, on another thread
		for (int i = 0; i < 100; i++) {
			byte[] request = lines(random, random.nextInt(3000));
			assertEchoedInPieces(client, request, random);
		}
		// a line sent the moment its predecessor's reply is out may come before that
		// reply has completed (and wait, with a copy): most do not
		assertThat(this.tap.framesWritten()).isGreaterThan(50);
		assertThat(this.tap.framesWritten() + this.tap.copiesWritten()).isEqualTo(100);
		// many at once: each call holds the next message back until its reply is
		// written, so the lines behind the first of a read wait (with copies); how many
		// reads find no reply running depends on timing (all of them may not), so only
		// order, content and one write per line are certain
		byte[] request = lines(random, randomLengths(random, 300));
		assertEchoedInPieces(client, request, random);
		assertThat(this.tap.framesWritten() + this.tap.copiesWritten()).isEqualTo(400);
	}

	@Test
	void whenLinesWaitBehindAReplyStillRunningThenTheyGetCopiesAndKeepTheirOrder() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new SlowFirst(this.tap));
		TcpTestClient client = connect(server);
		client.send("slow\na\nb\nc\n");
		assertThat(client.readExactly(11)).asString(StandardCharsets.US_ASCII).isEqualTo("slow\na\nb\nc\n");
		// the first line was handled on arrival, on a view, and went back after the
		// delay; the others came while it was held (copies), all counted
		assertThat(this.tap.writes()).isBetween(1, 4);
		assertThat(server.statistics().messagesSent()).isEqualTo(4);
	}

	@Test
	void whenTheViewIsRepliedTwiceThenTheFrameGoesOnceAndTheSecondIsACopy() throws Exception {
		QTcpServer server = start(settings(TcpFraming.LINE), new TwiceEcho(this.tap));
		// the client reads only once the first of the two replies waits, behind a
		// filler the socket cannot take at once: when room comes again, that frame has
		// gone out in part, and had it been written a second time, the second write
		// would start where the first has got to
		byte[] line = lines(new Random(SEED), 50_000);
		byte[] request = Arrays.copyOf(bytes("fill\n"), 5 + line.length);
		System.arraycopy(line, 0, request, 5, line.length);
		byte[] reply;
		int tapped = this.tap.connections();
		try (StreamClient client = StreamClient.connectNotReading(server.serverPort())) {
			await().atMost(WAIT).until(() -> this.tap.connections() > tapped);
			client.send(request, Chunking.ONE_WRITE, new Random(SEED), Ending.HALF_CLOSE);
			await().atMost(WAIT).until(() -> this.tap.framesWritten() == 1);
			client.startReading();
			reply = client.awaitEndOfStream(WAIT);
		}
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		expected.write(TwiceEcho.FILLER);
		expected.write('\n');
		expected.write(line);
		expected.write(line);
		assertThat(reply).isEqualTo(expected.toByteArray());
		assertThat(this.tap.framesWritten()).isOne();
		assertThat(this.tap.copiesWritten()).isEqualTo(2);
	}

	@Test
	void whenTheHandlerRunsOnAWorkerThenItGetsCopiesThatOutliveTheCall() throws Exception {
		KeepingCopies handler = new KeepingCopies(this.tap);
		QTcpServer server = start(settings(TcpFraming.LINE), handler);
		TcpTestClient client = connect(server);
		client.send("one\ntwo\nthree\n");
		assertThat(client.readExactly(14)).asString(StandardCharsets.US_ASCII).isEqualTo("one\ntwo\nthree\n");
		assertThat(handler.kept).extracting((kept) -> StandardCharsets.US_ASCII.decode(kept.duplicate()).toString())
			.containsExactly("one", "two", "three");
		assertThat(this.tap.framesWritten()).isZero();
		// the worker's replies may share one buffer (the outbox copies small ones
		// together): up to one write per reply, three replies counted
		assertThat(this.tap.copiesWritten()).isBetween(1, 3);
		assertThat(server.statistics().messagesSent()).isEqualTo(3);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(value = TcpFraming.class, names = { "DELIMITER", "LENGTH_FIELD" })
	void whenFramedByADelimiterOrALengthFieldThenViewsGoBackAsTheirFramesToo(TcpFraming framing) throws Exception {
		TcpServerSettings.Builder settings = settings(framing).delimiter("\r\n--\r\n").lengthFieldLength(4);
		QTcpServer server = start(settings, new ViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		int count = 1024;
		for (int round = 0; round < count / 16; round++) {
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			for (int i = 0; i < 16; i++) {
				// payloads that hold pieces of the delimiter; lengths at a byte's edge,
				// empty ones, and up to the longest allowed
				byte[] payload = switch (i) {
					case 0 -> bytes("\r\n-" + round);
					case 1 -> new byte[0];
					case 2 -> bytes("y".repeat(255 + random.nextInt(3)));
					case 3 -> bytes("z".repeat(MAX_FRAME_LENGTH - random.nextInt(2)));
					default -> bytes("x".repeat(random.nextInt(300)) + i);
				};
				if (framing == TcpFraming.LENGTH_FIELD) {
					request.write(ByteBuffer.allocate(4).putInt(payload.length).array());
					request.write(payload);
				}
				else {
					request.write(payload);
					request.write(bytes("\r\n--\r\n"));
				}
			}
			byte[] sent = request.toByteArray();
			assertEchoedInPieces(client, sent, random);
		}
		// the longest frames go back as they came; the small ones of a flush share a
		// buffer
		assertThat(this.tap.framesWritten()).isGreaterThanOrEqualTo(count / 16);
		assertThat(server.statistics().messagesSent()).isEqualTo(count);
	}

	@Test
	void whenFramesAreRawReadsThenEachViewGoesBackAsTheRead() throws Exception {
		QTcpServer server = start(settings(TcpFraming.RAW), new ViewEcho(this.tap));
		TcpTestClient client = connect(server);
		Random random = new Random(SEED);
		for (int round = 0; round < 20; round++) {
			byte[] request = lines(random, randomLengths(random, 16));
			assertEchoedInPieces(client, request, random);
		}
		assertThat(this.tap.framesWritten()).isPositive();
		assertThat(this.tap.copiesWritten()).isZero();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(HeldReply.class)
	void whenTheConnectionClosesWhileAReplyKeepsAFrameThenTheFrameIsReleased(HeldReply held) throws Exception {
		// a leak here is reported by the paranoid leak detector, which fails the class
		HoldingReplies handler = new HoldingReplies(this.tap, held);
		QTcpServer server = start(settings(TcpFraming.LINE), handler);
		try (TcpTestClient client = connect(server)) {
			client.send("held\nnext\n");
			assertThat(handler.called.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			if (held == HeldReply.FAILING) {
				// no @OnError: the failed reply closes the connection
				assertThat(client.awaitClosed(WAIT)).isTrue();
			}
			else {
				client.reset();
			}
		}
		assertThat(handler.disconnected.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(WAIT).until(() -> server.connectionCount() == 0);
		assertThat(this.tap.framesWritten()).isZero();
		if (held == HeldReply.NEVER) {
			assertThat(handler.cancelled.getCount()).isZero();
		}
	}

	private QTcpServer start(TcpServerSettings.Builder settings, Object handler) {
		QTcpServer server = new QTcpServer("views", settings.build(), (event) -> {
		}, this.workers.executor(), List.of());
		this.servers.add(server);
		server.bindHandler(handler, "handler");
		assertThat(server.listen()).isTrue();
		return server;
	}

	private static TcpServerSettings.Builder settings(TcpFraming framing) {
		return TcpServerSettings.builder()
			.address(InetAddress.getLoopbackAddress())
			.port(0)
			.framing(framing)
			.maxFrameLength(MAX_FRAME_LENGTH);
	}

	/**
	 * Send lines to a new server with the handler, check the replies, and that each was
	 * counted as a message sent.
	 */
	private void assertExchange(Tapped handler, String request, String reply) throws IOException {
		QTcpServer server = start(settings(TcpFraming.LINE), handler);
		TcpTestClient client = connect(server);
		client.send(request);
		byte[] expected = bytes(reply);
		assertThat(client.readExactly(expected.length)).asString(StandardCharsets.UTF_8).isEqualTo(reply);
		int lines = (int) reply.chars().filter((c) -> c == '\n').count();
		await().atMost(WAIT).until(() -> server.statistics().messagesSent() == lines);
	}

	/**
	 * Connect, and wait until the handler's {@code @OnConnect} has run: the connection's
	 * first messages would otherwise wait behind its connection event, and get copies.
	 */
	private TcpTestClient connect(QTcpServer server) throws IOException {
		int tapped = this.tap.connections();
		TcpTestClient client = TcpTestClient.connect(server.serverPort());
		this.clients.add(client);
		await().atMost(WAIT).until(() -> this.tap.connections() > tapped);
		return client;
	}

	/** Send everything, half-close, and return all the server sent until it closed. */
	private byte[] exchange(QTcpServer server, byte[] request, Chunking chunking, Random random) throws Exception {
		int tapped = this.tap.connections();
		try (StreamClient client = StreamClient.connect(server.serverPort())) {
			await().atMost(WAIT).until(() -> this.tap.connections() > tapped);
			client.send(request, chunking, random, Ending.HALF_CLOSE);
			return client.awaitEndOfStream(WAIT);
		}
	}

	/** Send bytes in pieces, and check that the same bytes come back. */
	private static void assertEchoedInPieces(TcpTestClient client, byte[] request, Random random) throws IOException {
		sendInPieces(client, request, random);
		assertThat(client.readExactly(request.length)).isEqualTo(request);
	}

	/** Send bytes in one to four writes, split at random. */
	private static void sendInPieces(TcpTestClient client, byte[] bytes, Random random) throws IOException {
		int start = 0;
		for (int piece = random.nextInt(4); piece > 0 && start < bytes.length; piece--) {
			int end = start + random.nextInt(bytes.length - start + 1);
			client.sendRaw(Arrays.copyOfRange(bytes, start, end));
			start = end;
		}
		client.sendRaw(Arrays.copyOfRange(bytes, start, bytes.length));
	}

	/** Mostly short lengths, one in ten up to five thousand. */
	private static int[] randomLengths(Random random, int count) {
		int[] lengths = new int[count];
		for (int i = 0; i < count; i++) {
			lengths[i] = (random.nextInt(10) == 0) ? random.nextInt(5000) : random.nextInt(80);
		}
		return lengths;
	}

	/** Lines of the given lengths, of printable bytes that tell them apart. */
	private static byte[] lines(Random random, int... lengths) {
		ByteArrayOutputStream lines = new ByteArrayOutputStream();
		for (int length : lengths) {
			for (int i = 0; i < length; i++) {
				lines.write(' ' + random.nextInt(95));
			}
			lines.write('\n');
		}
		return lines.toByteArray();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Sees, in the pipeline, every frame the decoder hands on and every buffer written to
	 * the socket: a written buffer that is a received frame went back without a copy.
	 */
	static final class FrameTap {

		private final Set<Object> frames = Collections
			.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

		private final AtomicInteger framesWritten = new AtomicInteger();

		private final AtomicInteger copiesWritten = new AtomicInteger();

		private final AtomicInteger connections = new AtomicInteger();

		private final AtomicInteger framesPassedOn = new AtomicInteger();

		/** Tap a connection; on its event loop, before it reads. */
		void attach(QTcpSocket socket) {
			ChannelPipeline pipeline = socket.connection().channel().pipeline();
			ChannelInboundHandlerAdapter received = new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					FrameTap.this.frames.add(msg);
					ctx.fireChannelRead(msg);
				}

			};
			if (pipeline.get(QTcpSocket.FRAME_DECODER) != null) {
				pipeline.addAfter(QTcpSocket.FRAME_DECODER, "test.frames", received);
			}
			else {
				pipeline.addFirst("test.frames", received);
			}
			// right in front of Reactor Netty's bridge: what reaches its inbound stream
			pipeline.addBefore(NettyPipeline.ReactiveBridge, "test.passedOn", new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					FrameTap.this.framesPassedOn.incrementAndGet();
					ctx.fireChannelRead(msg);
				}

			});
			pipeline.addFirst("test.writes", new ChannelOutboundHandlerAdapter() {

				@Override
				public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
					if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
						boolean frame = FrameTap.this.frames.contains(msg);
						(frame ? FrameTap.this.framesWritten : FrameTap.this.copiesWritten).incrementAndGet();
					}
					ctx.write(msg, promise);
				}

			});
			this.connections.incrementAndGet();
		}

		/** Connections tapped so far. */
		int connections() {
			return this.connections.get();
		}

		int framesWritten() {
			return this.framesWritten.get();
		}

		int copiesWritten() {
			return this.copiesWritten.get();
		}

		/** Buffers written, received frames and new ones alike. */
		int writes() {
			return framesWritten() + copiesWritten();
		}

		/** Frames that went on to Reactor Netty's inbound stream. */
		int framesPassedOn() {
			return this.framesPassedOn.get();
		}

		/** Let go of the frames, so that the leak detector can see them collected. */
		void clear() {
			this.frames.clear();
		}

	}

	/** Taps each connection as it comes, on the event loop, before its first read. */
	abstract static class Tapped {

		private final FrameTap tap;

		Tapped(FrameTap tap) {
			this.tap = tap;
		}

		@OnConnect
		@NonBlocking
		void tap(QTcpSocket socket) {
			this.tap.attach(socket);
		}

	}

	@NonBlocking
	static class ViewEcho extends Tapped {

		ViewEcho(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer echo(ByteBuffer line) {
			return line;
		}

	}

	@NonBlocking
	static class UpperCasingInPlace extends Tapped {

		UpperCasingInPlace(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer shout(ByteBuffer line) {
			for (int i = line.position(); i < line.limit(); i++) {
				byte b = line.get(i);
				if (b >= 'a' && b <= 'z') {
					line.put(i, (byte) (b - 32));
				}
			}
			return line;
		}

	}

	@NonBlocking
	static class Trimming extends Tapped {

		Trimming(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer trim(ByteBuffer line) {
			if (line.get(0) == '<') {
				line.position(1);
			}
			if (line.get(line.limit() - 1) == '>') {
				line.limit(line.limit() - 1);
			}
			return line;
		}

	}

	@NonBlocking
	static class Bracketing extends Tapped {

		Bracketing(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer bracket(ByteBuffer line) {
			ByteBuffer reply = ByteBuffer.allocate(line.remaining() + 2);
			return reply.put((byte) '[').put(line).put((byte) ']').flip();
		}

	}

	/** Keeps each view, and looks at it again in the next call. */
	@NonBlocking
	static class KeepingViews extends Tapped {

		final List<String> seenLater = new CopyOnWriteArrayList<>();

		private ByteBuffer previous;

		KeepingViews(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer echo(ByteBuffer line) {
			if (this.previous != null) {
				this.seenLater.add(look(this.previous));
			}
			this.previous = line;
			return line;
		}

		private static String look(ByteBuffer kept) {
			if (kept.hasRemaining()) {
				return "remaining: " + StandardCharsets.US_ASCII.decode(kept.duplicate());
			}
			try {
				return "read past the limit: " + kept.get(0);
			}
			catch (IndexOutOfBoundsException ex) {
				try {
					return "read: " + kept.get();
				}
				catch (BufferUnderflowException underflow) {
					return "empty";
				}
			}
		}

	}

	@NonBlocking
	static class DelayedViewEcho extends Tapped {

		private int count;

		DelayedViewEcho(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		Mono<ByteBuffer> echo(ByteBuffer line) {
			return Mono.delay(Duration.ofMillis(++this.count % 3)).thenReturn(line);
		}

	}

	/** Answers every fifth line late, the others at once. */
	@NonBlocking
	static class EveryFifthLate extends Tapped {

		private int count;

		EveryFifthLate(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		Mono<ByteBuffer> echo(ByteBuffer line) {
			if (++this.count % 5 == 0) {
				return Mono.delay(Duration.ofMillis(1)).thenReturn(line);
			}
			return Mono.just(line);
		}

	}

	/** Answers its first line late. */
	@NonBlocking
	static class SlowFirst extends Tapped {

		private int count;

		SlowFirst(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		Mono<ByteBuffer> echo(ByteBuffer line) {
			if (++this.count == 1) {
				return Mono.delay(Duration.ofMillis(100)).thenReturn(line);
			}
			return Mono.just(line);
		}

	}

	/** Answers "fill" with four megabytes, anything else twice with its view. */
	@NonBlocking
	static class TwiceEcho extends Tapped {

		static final byte[] FILLER = bytes("f".repeat(4 * 1024 * 1024));

		TwiceEcho(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		Flux<ByteBuffer> echo(ByteBuffer line) {
			if (StandardCharsets.US_ASCII.decode(line.duplicate()).toString().equals("fill")) {
				// written at once, whatever room the socket has
				return Flux.just(ByteBuffer.wrap(FILLER));
			}
			return Flux.just(line, line);
		}

	}

	/** On a worker: payloads are copies, kept after the call. */
	static class KeepingCopies extends Tapped {

		final List<ByteBuffer> kept = new CopyOnWriteArrayList<>();

		KeepingCopies(FrameTap tap) {
			super(tap);
		}

		@OnMessage
		ByteBuffer echo(ByteBuffer line) {
			this.kept.add(line);
			return line;
		}

	}

	/** How a reply that keeps its message's frame ends. */
	enum HeldReply {

		/** Never: cancelled when the connection closes. */
		NEVER,

		/** Late, once the connection has been reset. */
		LATE,

		/** With an error, which closes the connection. */
		FAILING

	}

	/**
	 * Answers the first message with a reply that keeps its view until the connection
	 * ends; the messages queued behind it, handled once it has ended, at once.
	 */
	@NonBlocking
	static class HoldingReplies extends Tapped {

		final CountDownLatch called = new CountDownLatch(1);

		final CountDownLatch cancelled = new CountDownLatch(1);

		final CountDownLatch disconnected = new CountDownLatch(1);

		private final HeldReply held;

		private int count;

		HoldingReplies(FrameTap tap, HeldReply held) {
			super(tap);
			this.held = held;
		}

		@OnMessage
		Mono<ByteBuffer> hold(ByteBuffer line) {
			if (++this.count > 1) {
				return Mono.just(line);
			}
			this.called.countDown();
			return switch (this.held) {
				case NEVER -> Mono.<ByteBuffer>never().doOnCancel(this.cancelled::countDown);
				case LATE -> Mono.delay(Duration.ofMillis(300)).thenReturn(line);
				case FAILING -> Mono.delay(Duration.ofMillis(50)).then(Mono.error(new IllegalStateException("boom")));
			};
		}

		@OnDisconnect
		void bye() {
			this.disconnected.countDown();
		}

	}

}
