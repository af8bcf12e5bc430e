package dev.qtserver.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.qtserver.test.HttpReplies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's HTTP server traced by Spring Boot's tracing (Brave, W3C propagation), over
 * real HTTP: a request that carries a {@code traceparent} is reported as a server span of
 * that trace, with its route method as a child span; one without gets a trace of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { SampleTestProperties.EPHEMERAL_PORTS, "management.tracing.sampling.probability=1.0" })
@AutoConfigureTracing
class SampleTracingTests {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final String CALLER_SPAN_ID = "b7ad6b7169203331";

	@Value("${local.qtserver.http.web.port}")
	private int webPort;

	@Autowired
	private FinishedSpans spans;

	@BeforeEach
	void clear() {
		this.spans.clear();
	}

	@Test
	void whenARequestCarriesATraceparentThenItsSpansAreReportedInThatTrace() throws Exception {
		HttpRequest request = plaintext().header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
			.build();
		assertThat(send(request).statusCode()).isEqualTo(200);
		MutableSpan server = this.spans.reported("http get /plaintext");
		assertThat(server.traceId()).isEqualTo(TRACE_ID);
		assertThat(server.parentId()).isEqualTo(CALLER_SPAN_ID);
		assertThat(server.tags()).containsEntry("route", "/plaintext").containsEntry("status", "200");
		MutableSpan route = this.spans.reported("route WebServerHandler.plaintext()");
		assertThat(route.traceId()).isEqualTo(TRACE_ID);
		assertThat(route.parentId()).isEqualTo(server.id());
	}

	@Test
	void whenARequestCarriesNoTraceThenItStartsOne() throws Exception {
		assertThat(send(plaintext().build()).statusCode()).isEqualTo(200);
		MutableSpan server = this.spans.reported("http get /plaintext");
		assertThat(server.traceId()).hasSize(32).isNotEqualTo(TRACE_ID);
		assertThat(server.parentId()).isNull();
	}

	private HttpRequest.Builder plaintext() {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + "/plaintext"))
			.timeout(Duration.ofSeconds(10));
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return HttpReplies.send(HttpClient.newHttpClient(), request, HttpResponse.BodyHandlers.ofString());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SpanCapture {

		@Bean
		FinishedSpans finishedSpans() {
			return new FinishedSpans();
		}

	}

	/**
	 * Keeps the spans Brave reports, as an exporter would get them.
	 */
	static class FinishedSpans extends SpanHandler {

		private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

		@Override
		public boolean end(TraceContext context, MutableSpan span, Cause cause) {
			this.spans.add(span);
			return true;
		}

		void clear() {
			this.spans.clear();
		}

		/**
		 * The span of a name, once reported: a span ends after the client has its
		 * response.
		 */
		MutableSpan reported(String name) {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.spans.stream().anyMatch((span) -> name.equals(span.name())));
			return this.spans.stream().filter((span) -> name.equals(span.name())).findFirst().orElseThrow();
		}

	}

}
