package dev.qtserver.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.qtserver.test.RealClients;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's HTTP server {@code web} as a browser or a client library sees it: the
 * JDK's HTTP client (HTTP/1.1, and HTTP/2 by its {@code Upgrade: h2c}), headless Chromium
 * (Debian's {@code chromium}) chatting on the page's WebSocket, and Python's
 * {@code websockets}.
 */
@SpringBootTest(properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleWebServerTests {

	private final HttpClient http11 = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@Value("${local.qtserver.http.web.port}")
	private int port;

	@Test
	void whenThePageIsAskedThenItIsHtmlWithLinksToTheRoutes() throws Exception {
		HttpResponse<String> page = get(this.http11, "/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("content-type")).hasValue("text/html;charset=UTF-8");
		assertThat(page.body()).contains("/greetings/Ada", "/countdown/5", "/plaintext");
	}

	@Test
	void whenAGreetingIsAskedThenThePathVariableAndQueryComeBackAsJson() throws Exception {
		HttpResponse<String> greeting = get(this.http11, "/greetings/Ada%20L?greeting=Hi");
		assertThat(greeting.statusCode()).isEqualTo(200);
		assertThat(greeting.headers().firstValue("content-type")).hasValue("application/json");
		assertThat(greeting.body()).isEqualTo("{\"greeting\":\"Hi\",\"name\":\"Ada L\"}");
	}

	@Test
	void whenTheCountdownIsAskedThenItIsStreamedInChunksInOrder() throws Exception {
		HttpResponse<String> countdown = get(this.http11, "/countdown/3");
		assertThat(countdown.statusCode()).isEqualTo(200);
		assertThat(countdown.headers().firstValue("transfer-encoding")).hasValue("chunked");
		assertThat(countdown.body()).isEqualTo("3\n2\n1\n0\n");
	}

	@Test
	void whenTheCountdownStartsFromAWordThenThereIsNoSuchRoute() throws Exception {
		assertThat(get(this.http11, "/countdown/three").statusCode()).isEqualTo(404);
	}

	@Test
	void whenAnotherMethodIsUsedThenTheAnswerIs405WithAllow() throws Exception {
		HttpResponse<String> response = this.http11.send(request("/plaintext").DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
	}

	@Test
	void whenManyRequestsShareOneHttp2ConnectionThenEachGetsItsAnswer() throws Exception {
		HttpClient http2 = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpResponse<String> first = get(http2, "/plaintext");
		assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
		// at most 50 streams at once: the server allows 100 concurrent streams (Reactor
		// Netty's default), and the JDK client refuses to open more
		List<HttpResponse<String>> responses = new ArrayList<>();
		for (int batch = 0; batch < 4; batch++) {
			responses.addAll(IntStream.range(batch * 50, batch * 50 + 50)
				.mapToObj((i) -> http2.sendAsync(request("/greetings/n" + i).GET().build(),
						HttpResponse.BodyHandlers.ofString()))
				.toList()
				.stream()
				.map(CompletableFuture::join)
				.toList());
		}
		for (int i = 0; i < responses.size(); i++) {
			assertThat(responses.get(i).statusCode()).isEqualTo(200);
			assertThat(responses.get(i).body()).isEqualTo("{\"greeting\":\"Hello\",\"name\":\"n" + i + "\"}");
		}
	}

	@Test
	void whenABrowserOpensThePageThenItChatsOverTheUpgradeWithOtherClients() throws Exception {
		// a Python client is in the chat first; the page, in headless Chromium, says
		// hello
		String listener = """
				import asyncio, sys, websockets
				async def main(url):
				    async with websockets.connect(url) as client:
				        print("ready", flush=True)
				        print(await client.recv(), flush=True)
				asyncio.run(asyncio.wait_for(main(sys.argv[1]), 30))
				""";
		Process python = RealClients
			.withCleanPythonEnvironment(
					new ProcessBuilder(RealClients.python(), "-c", listener, "ws://127.0.0.1:" + this.port + "/ws"))
			.redirectErrorStream(true)
			.start();
		BufferedReader pythonOutput = new BufferedReader(
				new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
		assertThat(pythonOutput.readLine()).isEqualTo("ready");
		try (HeadlessChromium browser = HeadlessChromium
			.open("http://127.0.0.1:" + this.port + "/?hello=hello%20from%20chromium")) {
			// the page's status and the chat's messages as the page shows them, once
			// loaded
			String page = "document.getElementById('status')?.textContent + ' | ' + "
					+ "Array.from(document.querySelectorAll('li.message'), (item) => item.textContent).join(' | ')";
			await().atMost(Duration.ofSeconds(30))
				.until(() -> browser.evaluate(page), (shown) -> shown.equals("connected | hello from chromium"));
		}
		assertThat(pythonOutput.readLine()).isEqualTo("hello from chromium");
		assertThat(python.waitFor(20, TimeUnit.SECONDS)).as("python finished").isTrue();
	}

	private HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
		return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
	}

}
