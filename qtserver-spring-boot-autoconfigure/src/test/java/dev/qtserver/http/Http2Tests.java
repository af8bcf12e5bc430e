package dev.qtserver.http;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 over cleartext with curl (prior knowledge and {@code Upgrade: h2c}) and under
 * load with nghttp2's h2load.
 */
class Http2Tests {

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	private QHttpServer start() {
		return this.fixture.start((settings) -> settings.http2(true), new Echo());
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

	static class Echo {

		@Route("/echo")
		String echo(QHttpServerRequest request) {
			String protocol = request.protocol().equals("HTTP/2.0") ? "HTTP/2.0 " : "";
			return protocol + request.method() + " " + request.path() + " " + request.query() + " "
					+ new String(request.body(), StandardCharsets.UTF_8);
		}

	}

}
