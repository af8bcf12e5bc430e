package dev.qtserver.observation;

import java.util.Locale;

import dev.qtserver.http.CompletedRequest;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.RequestTagValues;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default names and tags of HTTP request observations: named {@value #NAME}, with the
 * low-cardinality keys of the request timer the starter registers without observations
 * ({@code method}, {@code status}, {@code outcome}, {@code route}: the {@code @Route}
 * pattern, never the path) plus {@code server} and {@code kind}, so the timer Spring Boot
 * derives from the observation is the same meter; the path is the high-cardinality
 * {@code http.url}. Spans are named like Spring's, {@code http get /hello/{name}}.
 */
public class DefaultHttpServerRequestObservationConvention implements HttpServerRequestObservationConvention {

	/** The name of the observation, and of the timer derived from it. */
	public static final String NAME = "qtserver.http.server.requests";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(HttpServerRequestObservationContext context) {
		String method = context.getRequest().method().toLowerCase(Locale.ROOT);
		String route = route(context);
		return (route != null) ? "http " + method + " " + route : "http " + method;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HttpServerRequestObservationContext context) {
		CompletedRequest completed = context.getCompletedRequest();
		int status = (completed != null) ? RequestTagValues.status(completed) : -1;
		QHttpServer server = context.getServer();
		return KeyValues.of("method", RequestTagValues.method(context.getRequest().method()), "status",
				RequestTagValues.status(status), "outcome", RequestTagValues.outcome(status), "route",
				RequestTagValues.route(route(context), status), "server", server.name(), "kind", server.kind().id());
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HttpServerRequestObservationContext context) {
		return KeyValues.of("http.url", context.getRequest().path());
	}

	private static @Nullable String route(HttpServerRequestObservationContext context) {
		CompletedRequest completed = context.getCompletedRequest();
		return (completed != null) ? completed.route() : context.getRequest().route().orElse(null);
	}

}
