package dev.qtserver.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's management port over real HTTP (the JDK's client): health with the
 * {@code qtservers} group in readiness, and the {@code qtservers} endpoint pausing and
 * resuming a server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleActuatorTests {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Value("${local.server.port}")
	private int port;

	@Value("${local.qtserver.tcp.echo.port}")
	private int echoPort;

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
		return this.client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
		return this.client.send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10));
	}

}
