package dev.qtserver.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol options passed to Reactor Netty, seen from curl: compression and forwarded
 * headers, each off by default.
 */
class HttpProtocolOptionsTests {

	private static final String LONG_TEXT = "compress me ".repeat(500);

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void whenCompressionIsOnThenAClientThatAcceptsGzipGetsItAndReadsTheSameText() {
		QHttpServer server = this.fixture.start((settings) -> settings.compression(true), new Text());
		String url = "http://127.0.0.1:" + server.serverPort() + "/text";
		String head = Curl.run("-s", "-o", "/dev/null", "-D", "-", "-H", "Accept-Encoding: gzip", url);
		assertThat(head.toLowerCase()).contains("content-encoding: gzip");
		assertThat(Curl.run("--compressed", url)).isEqualTo(LONG_TEXT);
	}

	@Test
	void whenCompressionIsOffThenTheResponseIsSentAsItIs() {
		QHttpServer server = this.fixture.start(new Text());
		String head = Curl.run("-s", "-o", "/dev/null", "-D", "-", "-H", "Accept-Encoding: gzip",
				"http://127.0.0.1:" + server.serverPort() + "/text");
		assertThat(head.toLowerCase()).doesNotContain("content-encoding").contains("content-length: 6000");
	}

	@Test
	void whenForwardedHeadersAreTrustedThenTheRequestShowsTheClientsSchemeHostAndAddress() {
		QHttpServer server = this.fixture.start((settings) -> settings.forwardHeaders(true), new Where());
		assertThat(Curl.run("-H", "X-Forwarded-Proto: https", "-H", "X-Forwarded-Host: example.com", "-H",
				"X-Forwarded-For: 203.0.113.7", "http://127.0.0.1:" + server.serverPort() + "/where?x=1"))
			.isEqualTo("https://example.com/where?x=1 from 203.0.113.7");
	}

	@Test
	void whenForwardedHeadersAreNotTrustedThenTheyAreIgnored() {
		QHttpServer server = this.fixture.start(new Where());
		int port = server.serverPort();
		assertThat(Curl.run("-H", "X-Forwarded-Proto: https", "-H", "X-Forwarded-Host: example.com", "-H",
				"X-Forwarded-For: 203.0.113.7", "http://127.0.0.1:" + port + "/where?x=1"))
			.isEqualTo("http://127.0.0.1:" + port + "/where?x=1 from 127.0.0.1");
	}

	static class Text {

		@Route(value = "/text", methods = "GET")
		String text() {
			return LONG_TEXT;
		}

	}

	static class Where {

		@Route(value = "/where", methods = "GET")
		String where(QHttpServerRequest request) {
			return request.url() + " from " + request.remoteAddress().getAddress().getHostAddress();
		}

	}

}
