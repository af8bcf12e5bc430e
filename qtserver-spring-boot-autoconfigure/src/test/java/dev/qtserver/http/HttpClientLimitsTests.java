package dev.qtserver.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Qt's per-client limits of {@code QHttpServerConfiguration}, from real clients on
 * loopback addresses of their own: the rate limit per client address (429) and the allow
 * and deny lists (closed at accept).
 */
class HttpClientLimitsTests {

	private static final int RATE_LIMIT = 4;

	private final HttpServerFixture fixture = new HttpServerFixture();

	@AfterEach
	void tearDown() {
		this.fixture.close();
	}

	@Test
	void whenAClientGoesOverTheRateLimitThenItGets429WithRetryAfterAndOtherClientsAreServed() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.rateLimitPerSecond(RATE_LIMIT), new Hello());
		String url = "http://127.0.0.1:" + server.serverPort() + "/hello";
		// one curl, one keep-alive connection, a burst of 3 x the limit: within one
		// second
		// or across the edge of two, at most 2 x the limit can pass
		String[] urls = new String[3 * RATE_LIMIT];
		Arrays.fill(urls, url);
		List<String> codes = curlStatusCodes(urls);
		long passed = codes.stream().filter("200"::equals).count();
		long refused = codes.stream().filter("429"::equals).count();
		assertThat(passed + refused).as(codes.toString()).isEqualTo(urls.length);
		assertThat(passed).as(codes.toString()).isBetween((long) RATE_LIMIT, 2L * RATE_LIMIT);
		assertThat(server.statistics().rejected(RejectReason.RATE_LIMIT)).isEqualTo(refused);
		// another client address has a count of its own
		assertThat(Curl.run("-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2", url)).isEqualTo("200");
		try (RawHttpClient client = RawHttpClient.connect(server.serverPort())) {
			RawHttpClient.Response refusal = awaitRefusal(client);
			assertThat(refusal.header("retry-after")).isEqualTo("1");
			assertThat(refusal.body()).isEmpty();
			// the connection stays open, and a later second lets the client in again
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				client.get("/hello");
				return client.read().status() == 200;
			});
		}
	}

	@Test
	void whenAClientAddressIsDeniedThenItsConnectionIsClosedAtAcceptAndOthersAreServed() throws Exception {
		QHttpServer server = this.fixture.start((settings) -> settings.deniedAddresses(List.of("127.0.0.2/31")),
				new Hello());
		assertRefused(server, "127.0.0.2");
		assertRefused(server, "127.0.0.3");
		assertServed(server, "127.0.0.4");
		assertServed(server, "127.0.0.1");
		assertThat(server.statistics().rejected(RejectReason.ADDRESS)).isEqualTo(2);
		assertThat(server.statistics().accepted()).isEqualTo(2);
	}

	@Test
	void whenOnlySomeAddressesAreAllowedThenOthersAreClosedAndADeniedBlockWinsOverAnAllowedOne() throws Exception {
		QHttpServer server = this.fixture.start(
				(settings) -> settings.allowedAddresses(List.of("127.0.0.0/29")).deniedAddresses(List.of("127.0.0.5")),
				new Hello());
		assertServed(server, "127.0.0.1");
		assertServed(server, "127.0.0.7");
		assertRefused(server, "127.0.0.5");
		assertRefused(server, "127.0.0.8");
		assertThat(server.statistics().rejected(RejectReason.ADDRESS)).isEqualTo(2);
	}

	@Test
	void whenAnAddressListHoldsSomethingElseThanAnAddressOrABlockThenTheSettingsAreRefused() {
		for (String bad : List.of("localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "")) {
			assertThatExceptionOfType(InvalidSettingException.class)
				.isThrownBy(() -> HttpServerSettings.builder().deniedAddresses(List.of(bad)).build())
				.withMessageContaining("deniedAddresses");
		}
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> HttpServerSettings.builder().rateLimitPerSecond(-1).build())
			.withMessageContaining("rateLimitPerSecond");
	}

	private static List<String> curlStatusCodes(String... urls) {
		List<String> arguments = new java.util.ArrayList<>();
		for (String url : urls) {
			arguments.addAll(List.of("-o", "/dev/null", "-w", "%{http_code}\\n", url));
		}
		return Curl.run(arguments.toArray(String[]::new)).lines().toList();
	}

	private static RawHttpClient.Response awaitRefusal(RawHttpClient client) throws IOException {
		// a burst of one more than the limit meets it, unless the second turned over
		// within the burst: then the next burst does
		for (int burst = 0; burst < 3; burst++) {
			for (int i = 0; i <= RATE_LIMIT; i++) {
				client.get("/hello");
				RawHttpClient.Response response = client.read();
				if (response.status() == 429) {
					return response;
				}
			}
		}
		throw new AssertionError("No 429 in three bursts of " + (RATE_LIMIT + 1) + " requests");
	}

	private static void assertRefused(QHttpServer server, String from) throws IOException {
		try (RawHttpClient client = RawHttpClient.connectFrom(InetAddress.getByName(from), server.serverPort())) {
			try {
				client.get("/hello");
				assertThat(client.socket().getInputStream().read()).as("from " + from).isEqualTo(-1);
			}
			catch (SocketException ex) {
				// closed before the request was written, or reset: refused either way
			}
		}
	}

	private static void assertServed(QHttpServer server, String from) throws IOException {
		try (RawHttpClient client = RawHttpClient.connectFrom(InetAddress.getByName(from), server.serverPort())) {
			client.get("/hello");
			assertThat(client.read().text()).as("from " + from).isEqualTo("hello");
		}
	}

	static class Hello {

		@Route("/hello")
		reactor.core.publisher.Mono<String> hello() {
			return reactor.core.publisher.Mono.just("hello");
		}

	}

}
