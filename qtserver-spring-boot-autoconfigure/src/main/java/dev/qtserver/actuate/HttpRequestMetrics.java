package dev.qtserver.actuate;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.qtserver.http.CompletedRequest;
import dev.qtserver.http.HttpRequestObserver;
import dev.qtserver.http.RequestTagValues;
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

	private final MeterRegistry registry;

	private final Tags serverTags;

	/** One timer per tag set, so a request costs a map lookup, not a meter lookup. */
	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * The timer of the last request timed, which the next one most likely shares (a
	 * keep-alive client of one route): then it costs neither a key nor the map. Threads
	 * that race on it only miss it.
	 */
	private volatile @Nullable Recent recent;

	HttpRequestMetrics(MeterRegistry registry, Tags serverTags) {
		this.registry = registry;
		this.serverTags = serverTags;
	}

	@Override
	public void requestCompleted(CompletedRequest request) {
		int status = RequestTagValues.status(request);
		Recent last = this.recent;
		Timer timer;
		if (last != null && last.isOf(request.method(), status, request.route())) {
			timer = last.timer();
		}
		else {
			timer = timer(request.method(), status, request.route());
		}
		timer.record(request.duration());
	}

	private Timer timer(String method, int status, @Nullable String route) {
		Key key = new Key(RequestTagValues.method(method), status, RequestTagValues.route(route, status));
		Timer timer = this.timers.get(key);
		if (timer == null) {
			timer = this.timers.computeIfAbsent(key, this::timer);
		}
		this.recent = new Recent(method, status, route, timer);
		return timer;
	}

	private Timer timer(Key key) {
		return Timer.builder(QtServerMeterBinder.HTTP_REQUESTS)
			.tags(this.serverTags)
			.tag("method", key.method())
			.tag("status", RequestTagValues.status(key.status()))
			.tag("outcome", RequestTagValues.outcome(key.status()))
			.tag("route", key.route())
			.description("HTTP requests answered, by method, status, outcome and route")
			.register(this.registry);
	}

	private record Key(String method, int status, String route) {

	}

	/** A request's method, status and route as they came, and the timer they tag. */
	private record Recent(String method, int status, @Nullable String route, Timer timer) {

		boolean isOf(String method, int status, @Nullable String route) {
			return this.status == status && this.method.equals(method) && Objects.equals(this.route, route);
		}

	}

}
