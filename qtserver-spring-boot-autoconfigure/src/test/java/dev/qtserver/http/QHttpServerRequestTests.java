package dev.qtserver.http;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a handler sees of a request sent by curl or a raw socket: the exact method, path,
 * query, headers and body.
 */
class QHttpServerRequestTests {

	private final HttpServerFixture fixture = new HttpServerFixture();

	private final AtomicReference<QHttpServerRequest> seen = new AtomicReference<>();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenCurlPostsThenTheHandlerSeesMethodPathQueryHeadersAndBody() {
		QHttpServer server = this.fixture.start(new Recorder());
		String output = Curl.run("-i", "-X", "POST", "-H", "X-Custom: one two", "-H", "Content-Type: text/plain",
				"--data-binary", "héllo body", "http://127.0.0.1:" + server.serverPort() + "/a%20b/c?x=1&y=%C3%A9&x=2");
		assertThat(output).startsWith("HTTP/1.1 200").endsWith("seen");
		QHttpServerRequest request = this.seen.get();
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.rawPath()).isEqualTo("/a%20b/c");
		assertThat(request.path()).isEqualTo("/a b/c");
		assertThat(request.query()).isEqualTo("x=1&y=%C3%A9&x=2");
		assertThat(request.queryParameters()).containsEntry("x", java.util.List.of("1", "2"))
			.containsEntry("y", java.util.List.of("é"));
		assertThat(request.queryParameter("x")).isEqualTo("1");
		assertThat(request.header("x-custom")).isEqualTo("one two");
		assertThat(request.bodyAsString()).isEqualTo("héllo body");
		assertThat(request.body()).hasSize("héllo body".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
		assertThat(request.protocol()).isEqualTo("HTTP/1.1");
		assertThat(request.url().toString())
			.isEqualTo("http://127.0.0.1:" + server.serverPort() + "/a%20b/c?x=1&y=%C3%A9&x=2");
		assertThat(request.localAddress().getPort()).isEqualTo(server.serverPort());
	}

	@Test
	void whenACustomMethodIsSentThenTheHandlerSeesIt() {
		QHttpServer server = this.fixture.start(new Recorder());
		assertThat(Curl.run("-i", "-X", "PURGE", "http://127.0.0.1:" + server.serverPort() + "/cache"))
			.startsWith("HTTP/1.1 200");
		assertThat(this.seen.get().method()).isEqualTo("PURGE");
		assertThat(this.seen.get().path()).isEqualTo("/cache");
		assertThat(this.seen.get().body()).isEmpty();
	}

	@Test
	void whenConnectIsSentThenTheHandlerSeesItsAuthorityTarget() throws Exception {
		QHttpServer server = this.fixture.start(new Recorder());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
			assertThat(client.read().status()).isEqualTo(200);
		}
		assertThat(this.seen.get().method()).isEqualTo("CONNECT");
		assertThat(this.seen.get().uri()).isEqualTo("example.com:443");
	}

	@Test
	void whenHeadIsSentToAGetRouteThenThereIsNoBodyButTheContentLengthOfTheGet() throws Exception {
		QHttpServer server = this.fixture.start(new Greeting());
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			client.send("HEAD /greeting HTTP/1.1\r\nHost: localhost\r\n\r\n");
			RawHttpClient.Response head = client.readHead();
			assertThat(head.status()).isEqualTo(200);
			assertThat(head.header("content-length")).isEqualTo("11");
			// the next response starts right away: the HEAD response had no body
			client.get("/greeting");
			RawHttpClient.Response get = client.read();
			assertThat(get.text()).isEqualTo("hello world");
			assertThat(get.header("content-length")).isEqualTo("11");
		}
	}

	@Test
	void whenCurlSendsHeadThenItReadsNoBody() {
		QHttpServer server = this.fixture.start(new Greeting());
		String output = Curl.run("-I", "http://127.0.0.1:" + server.serverPort() + "/greeting");
		assertThat(output).startsWith("HTTP/1.1 200").contains("content-length: 11").doesNotContain("hello world");
	}

	class Recorder implements HttpRequestHandler {

		@Override
		public boolean handleRequest(QHttpServerRequest request, QHttpServerResponder responder) {
			QHttpServerRequestTests.this.seen.set(request);
			responder.write("seen");
			return true;
		}

	}

	static class Greeting {

		@Route(value = "/greeting", methods = "GET")
		String greeting() {
			return "hello world";
		}

	}

}
