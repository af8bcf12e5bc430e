package dev.qtserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.LingeringClose;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.test.LogCapture;
import dev.qtserver.test.Ports;
import dev.qtserver.test.RealClients;
import dev.qtserver.test.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown: requests in flight when the server shuts down are answered within
 * the timeout, responses still on their way out arrive whole, and the server takes no new
 * connection.
 */
class HttpShutdownTests {

	private static final int REQUESTS = 8;

	/**
	 * More than the loopback's socket buffers hold, so that most of it waits in the
	 * server while the client reads slowly.
	 */
	private static final byte[] BIG = big(24 * 1024 * 1024);

	private final HttpServerFixture fixture = new HttpServerFixture();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenTheServerShutsDownWithSlowRequestsInFlightThenEachIsAnsweredAndNoNewConnectionIsTaken() throws Exception {
		Slow slow = new Slow(REQUESTS);
		QHttpServer server = this.fixture.start(slow);
		int port = server.serverPort();
		List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, REQUESTS)
			.mapToObj((i) -> this.client
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/" + i))
					.timeout(Duration.ofSeconds(20))
					.build(), HttpResponse.BodyHandlers.ofString()))
			.toList();
		assertThat(slow.started.await(10, TimeUnit.SECONDS)).as("every handler started").isTrue();
		// a timeout far beyond the wait below: the shutdown must end when the last
		// request is answered, woken by it, not when its timeout runs out
		CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(120)),
				runnable -> new Thread(runnable).start());
		// the listeners close first: from then on the server is shutting down with every
		// request still in its handler
		await().atMost(Duration.ofSeconds(10)).until(() -> !server.isListening());
		assertThat(shutdown).isNotDone();
		slow.release.countDown();
		for (int i = 0; i < REQUESTS; i++) {
			HttpResponse<String> response = responses.get(i).get(20, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("done " + i);
		}
		shutdown.get(20, TimeUnit.SECONDS);
		Ports.assertReleased(port);
	}

	/**
	 * Over TLS too: the close lingers behind TLS's {@code close_notify}, and h2 is chosen
	 * by ALPN.
	 * @param protocols the scheme and curl's protocol option
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http --http1.1", "http --http2-prior-knowledge", "https --http1.1", "https --http2" })
	void whenTheServerShutsDownWhileAResponseIsStillBeingWrittenThenTheClientGetsAllOfIt(String protocols,
			@TempDir Path directory) throws Exception {
		String scheme = protocols.split(" ")[0];
		boolean secure = scheme.equals("https");
		DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();
		bundles.registerBundle("server", TestCertificates.shared().bundle("server"));
		Big big = new Big();
		QHttpServer server = this.fixture.sslBundles(bundles)
			.start((settings) -> settings.http2(true)
				.listeners(List.of(new ListenerSettings(new InetSocketAddress(HttpServerFixture.LOOPBACK, 0),
						secure ? TlsSettings.of("server") : null))),
					big);
		Path body = directory.resolve("body");
		// curl reads 12 MB a second: about two seconds for the whole body
		Process curl = new ProcessBuilder(RealClients.curl(), "-sS", "--max-time", "30", "--limit-rate", "12M",
				"--cacert", TestCertificates.shared().certificate("ca").toString(), protocols.split(" ")[1], "-o",
				body.toString(), scheme + "://localhost:" + server.serverPort() + "/big")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("curl.out").toFile())
			.start();
		try {
			// the handler has answered, and the body is on its way
			await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(body) && Files.size(body) > 0);
			assertThat(big.answered).isTrue();
			server.shutdown(Duration.ofSeconds(30));
			assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
			assertThat(curl.exitValue())
				.as("curl's exit code; it wrote %s", Files.readString(directory.resolve("curl.out")))
				.isZero();
			assertThat(Files.mismatch(body, write(directory.resolve("expected"), BIG))).as("first byte that differs")
				.isEqualTo(-1);
		}
		finally {
			curl.destroyForcibly();
		}
	}

	@Test
	void whenAClientReadsNothingOfItsResponseThenTheShutdownCutsItsConnectionAtTheTimeout() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.http2(true), new Big());
		int port = server.serverPort();
		try (Socket http1 = new Socket("127.0.0.1", port); Socket http2 = new Socket("127.0.0.1", port)) {
			http1.getOutputStream()
				.write("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			OutputStream out = http2.getOutputStream();
			// SETTINGS_INITIAL_WINDOW_SIZE (4) 0: no stream may send data
			RawHttp2.start(out, "000400000000");
			// GET http /big
			out.write(HexFormat.of()
				.parseHex(RawHttp2.headersFrame(1, "82864404" + "2f626967" + RawHttp2.AUTHORITY_LOCALHOST, true)));
			out.flush();
			http1.setSoTimeout(10_000);
			http2.setSoTimeout(10_000);
			// both answered: the first response bytes are here, and stream 1's head
			assertThat(http1.getInputStream().read()).isNotNegative();
			RawHttp2.awaitHeaders(http2.getInputStream(), 1);
			long started = System.nanoTime();
			try (LogCapture log = LogCapture.of(QHttpServer.class)) {
				server.shutdown(Duration.ofMillis(500));
				assertThat(log.messages()).anyMatch((message) -> message.startsWith("WARN")
						&& message.contains("cut 2 connection(s) still writing a response"));
			}
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			// cut when the shutdown returns, not later: a cut still to come would let the
			// client read the rest of the response
			assertThat(server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isEqualTo(2);
			assertThat(endOf(http1.getInputStream())).as("bytes of the 1.1 response before the end")
				.isLessThan(BIG.length);
			endOf(http2.getInputStream());
		}
		Ports.assertReleased(port);
	}

	/**
	 * A client that keeps its connection after its answer, idle and unread (a pooled
	 * connection), does not hold the shutdown: the close lingers for a moment only.
	 */
	@Test
	void whenAClientKeepsAnIdleConnectionThenTheShutdownEndsWithoutWaitingForIt() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.http2(true), new Big());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort());
				LogCapture log = LogCapture.of(QHttpServer.class)) {
			client.send("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(client.read().body()).hasSize(BIG.length);
			long started = System.nanoTime();
			server.shutdown(Duration.ofSeconds(30));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LingeringClose.LINGER.multipliedBy(3));
			assertThat(log.messages()).noneMatch((message) -> message.startsWith("WARN"));
		}
	}

	/** Read to the end of the stream (or a reset) and return how many bytes came. */
	private static long endOf(InputStream in) {
		long count = 0;
		try {
			byte[] buffer = new byte[64 * 1024];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				count += read;
			}
		}
		catch (SocketException ex) {
			// cut: reset rather than closed
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return count;
	}

	private static Path write(Path path, byte[] bytes) throws IOException {
		return Files.write(path, bytes);
	}

	private static byte[] big(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (i % 251);
		}
		return bytes;
	}

	static class Big {

		volatile boolean answered;

		/** A whole response: Reactor Netty writes it once the route has returned. */
		@Route(value = "/big", methods = "GET")
		byte[] big() {
			this.answered = true;
			return BIG;
		}

	}

	static class Slow {

		final CountDownLatch started;

		final CountDownLatch release = new CountDownLatch(1);

		Slow(int requests) {
			this.started = new CountDownLatch(requests);
		}

		/** On a worker (it returns a String), held until the test lets it go. */
		@Route(value = "/slow/{index}", methods = "GET")
		String slow(@PathVariable("index") int index) throws InterruptedException {
			this.started.countDown();
			assertThat(this.release.await(15, TimeUnit.SECONDS)).isTrue();
			return "done " + index;
		}

	}

}
