package dev.qtserver.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.qtserver.test.HttpReplies;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's management port over real HTTP (the JDK's client): health with the
 * {@code qtservers} group in readiness, the {@code qtservers} endpoint pausing and
 * resuming a server, and the starter's meters in the metrics endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleActuatorTests {

	private static final Pattern COUNT = Pattern.compile("\\{\"statistic\":\"COUNT\",\"value\":([0-9.E]+)}");

	@Value("${local.server.port}")
	private int port;

	@Value("${local.qtserver.tcp.echo.port}")
	private int echoPort;

	@Value("${local.qtserver.http.web.port}")
	private int webPort;

	@Test
	void whenHealthIsAskedThenEveryServerIsUpByKindAndName() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"qtservers\"", "\"tcp\"", "\"echo\"", "\"fast-echo\"", "\"websocket\"",
				"\"chat\"", "\"ws-echo\"", "\"port\":" + this.echoPort);
	}

	@Test
	void whenTheEndpointPausesAServerThenReadinessGoesOutOfServiceUntilItResumes() throws Exception {
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		HttpResponse<String> paused = post("/actuator/qtservers/echo", "{\"action\":\"pause\"}");
		assertThat(paused.statusCode()).isEqualTo(200);
		assertThat(paused.body()).contains("\"state\":\"paused\"");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).contains("OUT_OF_SERVICE");
		assertThat(post("/actuator/qtservers/echo", "{\"action\":\"resume\"}").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	@Test
	void whenTheWebServerAnswersThenTheMetricsEndpointShowsItsRequestsByRoute() throws Exception {
		for (int i = 0; i < 3; i++) {
			HttpRequest plaintext = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/plaintext"))
				.timeout(Duration.ofSeconds(10))
				.build();
			assertThat(HttpReplies.send(newClient(), plaintext, HttpResponse.BodyHandlers.ofString()).statusCode())
				.isEqualTo(200);
		}
		// a timer records once the response is written: the client may have it first
		String metric = "/actuator/metrics/qtserver.http.server.requests?tag=route:/plaintext&tag=status:200";
		await().atMost(Duration.ofSeconds(5))
			.until(() -> get(metric).body(), (body) -> body.contains("{\"statistic\":\"COUNT\",\"value\":3.0}"));
		assertThat(get(metric).body()).contains("\"server\"", "\"web\"", "\"method\"", "\"GET\"");
	}

	@Test
	void whenLinesAreEchoedThenTheMetricsEndpointCountsTheirBytesBothWays() throws Exception {
		String received = "/actuator/metrics/qtserver.bytes.received?tag=server:echo";
		String sent = "/actuator/metrics/qtserver.bytes.sent?tag=server:echo";
		// other tests of this context may have used the echo server: count from here
		double receivedBefore = count(received);
		double sentBefore = count(sent);
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), this.echoPort)) {
			client.setSoTimeout(10000);
			BufferedReader replies = new BufferedReader(
					new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
			for (int i = 0; i < 10; i++) {
				client.getOutputStream().write(String.format("line %02d%n", i).getBytes(StandardCharsets.UTF_8));
				assertThat(replies.readLine()).isEqualTo(String.format("line %02d", i));
			}
		}
		// ten lines of eight bytes each way; the counters move once the server has read
		// and flushed, which the client may see first
		await().atMost(Duration.ofSeconds(5)).until(() -> count(received) == receivedBefore + 80);
		await().atMost(Duration.ofSeconds(5)).until(() -> count(sent) == sentBefore + 80);
		assertThat(get(received).body()).contains("\"baseUnit\":\"bytes\"", "\"kind\"", "\"tcp\"");
	}

	private double count(String metric) throws IOException, InterruptedException {
		HttpResponse<String> response = get(metric);
		assertThat(response.statusCode()).isEqualTo(200);
		Matcher value = COUNT.matcher(response.body());
		assertThat(value.find()).as(response.body()).isTrue();
		return Double.parseDouble(value.group(1));
	}

	@Test
	void whenTheEndpointIsAskedThenItListsTheServersAndAnswers404ForAnUnknownOne() throws Exception {
		HttpResponse<String> servers = get("/actuator/qtservers");
		assertThat(servers.statusCode()).isEqualTo(200);
		assertThat(servers.body()).contains("\"name\":\"echo\"", "\"kind\":\"websocket\"");
		assertThat(get("/actuator/qtservers/nowhere").statusCode()).isEqualTo(404);
		assertThat(
				post("/actuator/qtservers/echo", "{\"action\":\"close-connection\",\"connectionId\":999}").statusCode())
			.isEqualTo(404);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return HttpReplies.send(newClient(), request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
		return HttpReplies.send(newClient(),
				request(path).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(json))
					.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A client of its own for each exchange, so that no connection is reused. The
	 * management server is Spring Boot's WebFlux server on Reactor Netty 1.3.7, which
	 * stops reading a keep-alive connection when a request it queued behind an answer
	 * written from another thread is then answered at once (reactor/reactor-netty#4361):
	 * the actuator answers a write operation from a worker and may answer readiness at
	 * once, and the POST that followed the 503 was left unread in 8 and 10 of 300
	 * pause-and-resume rounds on one connection. Our own HTTP server avoids the bug
	 * (QHttpServerResponder); Boot's is not ours to change.
	 */
	private static HttpClient newClient() {
		return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
	}

}
