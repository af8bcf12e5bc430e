package dev.qtserver.http;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.stream.Stream;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.RejectReason;
import dev.qtserver.test.LogCapture;
import io.netty.channel.DefaultChannelPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/2 over cleartext with curl (prior knowledge and {@code Upgrade: h2c}) and under
 * load with nghttp2's h2load.
 */
class Http2Tests {

	/**
	 * HPACK: {@code content-length} (static name index 28), literal with indexing, then
	 * the value.
	 */
	private static final String CONTENT_LENGTH = "5c";

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	private final Echo echo = new Echo();

	private QHttpServer start() {
		return this.fixture.start((settings) -> settings.http2(true), this.echo);
	}

	@Test
	void whenCurlSpeaksHttp2ByPriorKnowledgeThenTheHandlerSeesHttp2() {
		QHttpServer server = start();
		String output = Curl.run("-i", "--http2-prior-knowledge",
				"http://127.0.0.1:" + server.serverPort() + "/echo?q=1");
		assertThat(output).startsWith("HTTP/2 200").endsWith("HTTP/2.0 GET /echo q=1 ");
	}

	@Test
	void whenCurlUpgradesAGetToH2cThenTheAnswerComesOverHttp2() {
		QHttpServer server = start();
		String output = Curl.run("-i", "--http2", "http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(output).contains("HTTP/1.1 101").contains("HTTP/2 200").endsWith("GET /echo  ");
	}

	@Test
	void whenCurlUpgradesAPostWithABodyToH2cThenTheHandlerGetsTheBody() {
		QHttpServer server = start();
		String output = Curl.run("-i", "--http2", "--data-binary", "upgrade body",
				"http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(output).contains("HTTP/1.1 101").contains("HTTP/2 200").endsWith("POST /echo  upgrade body");
	}

	@Test
	void whenH2loadSends2000RequestsOn16ConnectionsThenAllSucceed() {
		QHttpServer server = start();
		String report = Curl.h2load("-c", "16", "-m", "10", "-n", "2000",
				"http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(report).contains("2000 total")
			.contains("2000 succeeded, 0 failed, 0 errored")
			.contains("status codes: 2000 2xx");
	}

	/**
	 * A client that resets its HTTP/2 connection (a load generator stopped mid-run, a
	 * closed tab) ends it without a warning and stack trace per connection: Reactor
	 * Netty's HTTP/2 connection pipeline leaves the I/O error to Netty, which logs it as
	 * unhandled.
	 */
	@Test
	void whenAnHttp2ClientResetsItsConnectionThenItEndsQuietlyAndTheServerServesOn() throws Exception {
		QHttpServer server = start();
		try (LogCapture pipeline = LogCapture.of(DefaultChannelPipeline.class)) {
			for (int i = 0; i < 3; i++) {
				try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.serverPort())) {
					client.setSoTimeout(5000);
					OutputStream out = client.getOutputStream();
					RawHttp2.start(out, "");
					out.flush();
					// the server's SETTINGS: the connection speaks HTTP/2 now
					assertThat(RawHttp2.read(client.getInputStream())).extracting(RawHttp2.Frame::type).isEqualTo(4);
					await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
					client.setSoLinger(true, 0);
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
			}
			assertThat(pipeline.messages()).isEmpty();
		}
		String output = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + server.serverPort() + "/echo");
		assertThat(output).isEqualTo("HTTP/2.0 GET /echo  ");
	}

	/**
	 * A response to HEAD has the head a GET would get and no content (RFC 9110 §9.3.2),
	 * over HTTP/2 as over HTTP/1.1, whatever kind of response the route writes: content
	 * in DATA frames made curl fail the stream with a protocol error.
	 * @param path a route answering whole, streamed as a {@code Flux}, or in chunks
	 * @param protocol how curl speaks
	 * @param head what the head carries
	 */
	@ParameterizedTest
	@CsvSource({ "/echo, --http2-prior-knowledge, content-length:", "/echo, --http1.1, content-length:",
			"/flux, --http2-prior-knowledge, HTTP/2 200", "/flux, --http1.1, transfer-encoding: chunked",
			"/chunks, --http2-prior-knowledge, x-kind: chunks", "/chunks, --http1.1, transfer-encoding: chunked" })
	void whenAHeadRequestIsAnsweredThenTheHeadComesWithoutContent(String path, String protocol, String head) {
		QHttpServer server = start();
		String url = "http://127.0.0.1:" + server.serverPort() + path;
		// over HTTP/1.1 twice on one connection, the second answer read right only if
		// the first had no content; over HTTP/2 curl fails a stream that has content
		// (and curl 7.88 cannot reuse a connection it speaks HTTP/2 on by prior
		// knowledge)
		int requests = protocol.equals("--http1.1") ? 2 : 1;
		String output = Curl.run(Stream.concat(Stream.of("-I", protocol), Stream.generate(() -> url).limit(requests))
			.toArray(String[]::new));
		assertThat(output.split("\n\n")).hasSize(requests).allSatisfy((response) -> {
			assertThat(response).matches("(?s)HTTP/(2|1\\.1) 200.*").contains(head);
		});
		// and a GET still gets the content
		assertThat(Curl.run(protocol, url)).isNotEmpty();
	}

	/**
	 * A client that breaks HTTP/2 on its connection gets the codec's {@code GOAWAY}; the
	 * server logs nothing above DEBUG (Netty warned of an exception nobody handled, with
	 * a stack trace, per connection) and counts the close as a protocol error.
	 * @param frame the offending frame, in hex
	 */
	@ParameterizedTest
	// DATA on stream 0; WINDOW_UPDATE of 0 on stream 0; PING of 7 bytes
	@ValueSource(strings = { "000003000000000000616263", "000004080000000000" + "00000000",
			"0000070600000000000102030405060" + "7" })
	void whenAClientBreaksHttp2OnItsConnectionThenItGetsGoawayAndTheCloseCountsAsAProtocolError(String frame)
			throws Exception {
		QHttpServer server = start();
		try (LogCapture pipeline = LogCapture.of(DefaultChannelPipeline.class);
				Socket client = new Socket(InetAddress.getLoopbackAddress(), server.serverPort())) {
			client.setSoTimeout(5000);
			OutputStream out = client.getOutputStream();
			RawHttp2.start(out, "");
			out.write(HexFormat.of().parseHex(frame));
			out.flush();
			assertThat(RawHttp2.frameTypesUntilClosed(client.getInputStream())).contains(RawHttp2.GOAWAY);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.statistics().closed(CloseReason.PROTOCOL_ERROR) == 1);
			assertThat(pipeline.messages()).isEmpty();
		}
		assertThat(Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + server.serverPort() + "/echo"))
			.isEqualTo("HTTP/2.0 GET /echo  ");
	}

	/**
	 * A request head without what every request must carry, or a {@code CONNECT} with
	 * what a tunnel must not carry, is a malformed request (RFC 9113 §8.3.1, §8.5): its
	 * stream is reset with {@code PROTOCOL_ERROR}, the refusal counted, and the
	 * connection serves its next stream. Netty's conversion to HTTP/1.x leaked a buffer
	 * on a missing {@code :path}, and never answered a missing {@code :method}.
	 * @param block the head's HPACK block, in hex
	 * @param counted whether the refusal is the server's to count (Netty's HPACK decoder
	 * refuses an empty {@code :path} itself)
	 */
	@ParameterizedTest
	// no :path; no :method; no :scheme; an empty :path; a CONNECT with :scheme and :path
	// (each with :authority localhost)
	@CsvSource({ "8286, 1", "8684, 1", "8284, 1", "82864400, 0", "4207434f4e4e4543548684, 1" })
	void whenAnHttp2RequestHeadLacksAPseudoHeaderThenItsStreamIsResetAndTheConnectionServesOn(String block, int counted)
			throws Exception {
		QHttpServer server = start();
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.serverPort())) {
			client.setSoTimeout(5000);
			assertThat(RawHttp2.send(client, block, "/echo", false)).as("stream 1 reset with PROTOCOL_ERROR")
				.isEqualTo(1);
		}
		// the next stream's answer came after the reset, and after its count
		assertThat(server.statistics().rejected(RejectReason.BAD_REQUEST)).isEqualTo(counted);
	}

	/** A {@code CONNECT} that names its target only is a request like any other. */
	@Test
	void whenAnHttp2ConnectNamesOnlyItsTargetThenItIsAnswered() throws Exception {
		QHttpServer server = start();
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.serverPort())) {
			client.setSoTimeout(5000);
			RawHttp2.Stream1 stream1 = RawHttp2.exchange(client,
					RawHttp2.headersFrame(1, "4207434f4e4e454354" + RawHttp2.AUTHORITY_LOCALHOST, true), "/echo",
					false);
			assertThat(stream1.resetCode()).as("stream 1's reset").isEqualTo(-1);
			assertThat(stream1.answered()).as("stream 1 answered").isTrue();
		}
		assertThat(server.statistics().rejected(RejectReason.BAD_REQUEST)).isZero();
	}

	/**
	 * A request whose body breaks the protocol is malformed (RFC 9113 §8.1.1, §8.1): a
	 * body longer or shorter than its {@code content-length}, a {@code content-length} on
	 * a request that ends with its head, trailers with a pseudo-header or that do not end
	 * the stream. Its stream is reset with {@code PROTOCOL_ERROR}, with no answer before,
	 * the refusal counted, nothing logged as an error, and the connection serves its next
	 * stream.
	 * @param stream1 stream 1's frames, as HEADERS block (with {@code :authority}), then
	 * DATA or trailer frames
	 */
	@ParameterizedTest
	@ValueSource(strings = {
			// POST /echo, content-length 5; DATA "abc" ending the stream
			"POST5 abc", "POST3 abcde", "GET5",
			// POST /echo; DATA "abc"; trailers with :path /x
			"POST abc :path",
			// POST /echo; DATA "abc"; trailers x-t: v that do not end the stream
			"POST abc open-trailers" })
	void whenAnHttp2RequestBodyBreaksTheProtocolThenItsStreamIsResetAndTheConnectionServesOn(String shape)
			throws Exception {
		QHttpServer server = start();
		String post = "8386" + "44052f6563686f" + RawHttp2.AUTHORITY_LOCALHOST;
		String frames = switch (shape) {
			case "POST5 abc" ->
				RawHttp2.headersFrame(1, post + CONTENT_LENGTH + "0135", false) + RawHttp2.dataFrame(1, "abc", true);
			case "POST3 abcde" ->
				RawHttp2.headersFrame(1, post + CONTENT_LENGTH + "0133", false) + RawHttp2.dataFrame(1, "abcde", true);
			case "GET5" -> RawHttp2.headersFrame(1,
					"8286" + "44052f6563686f" + RawHttp2.AUTHORITY_LOCALHOST + CONTENT_LENGTH + "0135", true);
			case "POST abc :path" -> RawHttp2.headersFrame(1, post, false) + RawHttp2.dataFrame(1, "abc", false)
					+ RawHttp2.headersFrame(1, "4402" + "2f78", true);
			case "POST abc open-trailers" -> RawHttp2.headersFrame(1, post, false) + RawHttp2.dataFrame(1, "abc", false)
					+ RawHttp2.headersFrame(1, "4003" + "782d74" + "0176", false);
			default -> throw new IllegalArgumentException(shape);
		};
		try (LogCapture reactor = LogCapture.of("reactor");
				LogCapture starter = LogCapture.of("dev.qtserver");
				Socket client = new Socket(InetAddress.getLoopbackAddress(), server.serverPort())) {
			client.setSoTimeout(5000);
			RawHttp2.Stream1 stream1 = RawHttp2.exchange(client, frames, "/echo", false);
			assertThat(stream1.resetCode()).as("stream 1 reset with PROTOCOL_ERROR").isEqualTo(1);
			assertThat(stream1.answered()).as("stream 1 answered").isFalse();
			assertThat(this.echo.methods).as("requests handled: stream 3's, never stream 1's cut body")
				.containsExactly("GET");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> server.statistics().rejected(RejectReason.BAD_REQUEST) == 1);
			assertThat(reactor.messages())
				.filteredOn((message) -> message.startsWith("ERROR") || message.startsWith("WARN"))
				.isEmpty();
			assertThat(starter.messages())
				.filteredOn((message) -> message.startsWith("ERROR") || message.startsWith("WARN"))
				.isEmpty();
		}
	}

	static class Echo {

		@Route("/flux")
		Flux<String> flux() {
			return Flux.just("a", "b");
		}

		@Route("/chunks")
		void chunks(QHttpServerResponder responder) {
			responder.writeBeginChunked(200, Map.of("X-Kind", "chunks"));
			responder.writeChunk("a");
			responder.writeEndChunked(new byte[0], Map.of());
		}

		final List<String> methods = new CopyOnWriteArrayList<>();

		@Route("/echo")
		String echo(QHttpServerRequest request) {
			this.methods.add(request.method());
			String protocol = request.protocol().equals("HTTP/2.0") ? "HTTP/2.0 " : "";
			return protocol + request.method() + " " + request.path() + " " + request.query() + " "
					+ new String(request.body(), StandardCharsets.UTF_8);
		}

	}

}
