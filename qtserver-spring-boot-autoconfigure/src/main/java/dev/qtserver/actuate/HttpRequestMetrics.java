package dev.qtserver.actuate;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.qtserver.http.CompletedRequest;
import dev.qtserver.http.HttpRequestObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records each request of one HTTP server in the timer
 * {@value QtServerMeterBinder#HTTP_REQUESTS}, tagged as Spring Boot tags
 * {@code http.server.requests}, with bounded values only: {@code method} (a standard
 * method, else {@code UNKNOWN}), {@code status}, {@code outcome} ({@code SUCCESS},
 * {@code CLIENT_ERROR}, …), and {@code route}: the {@code @Route} pattern, never the raw
 * path ({@code NOT_FOUND} for a 404 no route matched, {@code REDIRECTION} for a 3xx,
 * {@code UNKNOWN} otherwise). A request whose client went away has status and outcome
 * {@code UNKNOWN}.
 */
final class HttpRequestMetrics implements HttpRequestObserver {

	private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS", "TRACE", "CONNECT");

	private static final String UNKNOWN = "UNKNOWN";

	private final MeterRegistry registry;

	private final Tags serverTags;

	/** One timer per tag set, so a request costs a map lookup, not a meter lookup. */
	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	HttpRequestMetrics(MeterRegistry registry, Tags serverTags) {
		this.registry = registry;
		this.serverTags = serverTags;
	}

	@Override
	public void requestCompleted(CompletedRequest request) {
		String method = STANDARD_METHODS.contains(request.method()) ? request.method() : UNKNOWN;
		int status = request.clientGone() ? -1 : request.status();
		Key key = new Key(method, status, route(request.route(), status));
		this.timers.computeIfAbsent(key, this::timer).record(request.duration());
	}

	private static String route(@Nullable String route, int status) {
		if (route != null) {
			return route;
		}
		if (status == 404) {
			return "NOT_FOUND";
		}
		return (status >= 300 && status < 400) ? "REDIRECTION" : UNKNOWN;
	}

	private Timer timer(Key key) {
		String status = (key.status() < 0) ? UNKNOWN : Integer.toString(key.status());
		return Timer.builder(QtServerMeterBinder.HTTP_REQUESTS)
			.tags(this.serverTags)
			.tag("method", key.method())
			.tag("status", status)
			.tag("outcome", outcome(key.status()))
			.tag("route", key.route())
			.description("HTTP requests answered, by method, status, outcome and route")
			.register(this.registry);
	}

	private static String outcome(int status) {
		if (status < 100 || status >= 600) {
			return UNKNOWN;
		}
		return switch (status / 100) {
			case 1 -> "INFORMATIONAL";
			case 2 -> "SUCCESS";
			case 3 -> "REDIRECTION";
			case 4 -> "CLIENT_ERROR";
			default -> "SERVER_ERROR";
		};
	}

	private record Key(String method, int status, String route) {

	}

}
