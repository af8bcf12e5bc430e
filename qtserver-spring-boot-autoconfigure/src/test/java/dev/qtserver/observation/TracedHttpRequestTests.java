package dev.qtserver.observation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import dev.qtserver.http.HttpServerFixture;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.Route;
import dev.qtserver.test.HttpReplies;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP requests traced by a real tracer (Brave through Micrometer Tracing, W3C
 * propagation, wired as Spring Boot wires it): a request that carries a
 * {@code traceparent} continues that trace, its route method runs in a child span, and
 * both spans are reported.
 */
class TracedHttpRequestTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

	private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();

	private final ThreadLocalCurrentTraceContext braveContext = ThreadLocalCurrentTraceContext.newBuilder().build();

	private final Tracing tracing = Tracing.newBuilder()
		.currentTraceContext(this.braveContext)
		.propagationFactory(new W3CPropagation())
		.sampler(Sampler.ALWAYS_SAMPLE)
		.addSpanHandler(new SpanHandler() {

			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				TracedHttpRequestTests.this.spans.add(span);
				return true;
			}

		})
		.build();

	private final Tracer tracer = new BraveTracer(this.tracing.tracer(),
			new BraveCurrentTraceContext(this.braveContext), new BraveBaggageManager());

	private final HttpServerFixture servers = new HttpServerFixture();

	@AfterEach
	void close() {
		this.servers.close();
		this.tracing.close();
	}

	@Test
	void whenARequestCarriesATraceparentThenItsSpansContinueThatTrace() throws Exception {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, new BravePropagator(this.tracing)),
					new DefaultTracingObservationHandler(this.tracer)));
		TraceIdRoute route = new TraceIdRoute(this.tracer);
		QHttpServer server = this.servers.start(route);
		new QtServerObservationBinder(List::of, new ObservationHandlerCalls(registry, null, false),
				new ObservationHttpRequests(registry, null))
			.bind(server);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.serverPort() + "/trace"))
			.header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = HttpReplies.send(HttpClient.newHttpClient(), request,
				HttpResponse.BodyHandlers.ofString());
		// the route method saw a current span of the caller's trace
		assertThat(response.body()).isEqualTo(TRACE_ID);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.spans.size() == 2);
		MutableSpan requestSpan = span("http get /trace");
		MutableSpan routeSpan = span("route TraceIdRoute.trace()");
		assertThat(requestSpan.traceId()).isEqualTo(TRACE_ID);
		assertThat(requestSpan.parentId()).isEqualTo(CALLER_SPAN_ID);
		assertThat(requestSpan.kind()).isEqualTo(brave.Span.Kind.SERVER);
		assertThat(requestSpan.tags()).containsEntry("route", "/trace")
			.containsEntry("status", "200")
			.containsEntry("http.url", "/trace");
		assertThat(routeSpan.traceId()).isEqualTo(TRACE_ID);
		assertThat(routeSpan.parentId()).isEqualTo(requestSpan.id());
	}

	private MutableSpan span(String name) {
		return this.spans.stream().filter((span) -> name.equals(span.name())).findFirst().orElseThrow();
	}

	static class TraceIdRoute {

		private final Tracer tracer;

		TraceIdRoute(Tracer tracer) {
			this.tracer = tracer;
		}

		@Route(value = "/trace", methods = "GET")
		String trace() {
			Span current = this.tracer.currentSpan();
			return (current != null) ? current.context().traceId() : "no span";
		}

	}

}
