package dev.qtserver.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET /plaintext} written with raw Reactor Netty the way a user would write it to
 * get what the sample's {@code @Route} gives besides the body: the sample's answer and
 * its request timer, each by the cheapest means Reactor Netty and Micrometer offer.
 * <ul>
 * <li>a keep-alive timeout of 15 s ({@link HttpServer#idleTimeout(Duration)}, Reactor
 * Netty's own), and {@code Keep-Alive: timeout=15} on the answers of kept HTTP/1.1
 * connections;
 * <li>{@code Content-Type: text/plain;charset=UTF-8};
 * <li>a timer per request, tagged with method, status, outcome and route as Spring Boot
 * tags {@code http.server.requests}, in a {@link SimpleMeterRegistry} (what a Boot
 * application without a monitoring system has); one timer per status, looked up in a map,
 * not registered per request.
 * </ul>
 * What the starter does besides (a byte counter, connection statistics, request limits,
 * the blocked-thread check, a route table, argument and return-value handling) is left
 * out: this is the floor under the sample's answer, not the same program.
 */
final class PlaintextAsSample implements BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	/** The sample's keep-alive timeout, the starter's default. */
	static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	private static final String KEEP_ALIVE_VALUE = "timeout=" + KEEP_ALIVE.toSeconds();

	private static final String CONTENT_TYPE = "text/plain;charset=UTF-8";

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final Map<Integer, Timer> timers = new ConcurrentHashMap<>();

	@Override
	public Publisher<Void> apply(HttpServerRequest request, HttpServerResponse response) {
		long started = System.nanoTime();
		response.header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
		if (request.isKeepAlive() && request.version() == HttpVersion.HTTP_1_1) {
			response.header(HttpHeaderNames.KEEP_ALIVE, KEEP_ALIVE_VALUE);
		}
		return response.sendString(Mono.just(RawHttpServer.BODY))
			.then()
			.doFinally((signal) -> timer(response.status().code()).record(System.nanoTime() - started,
					TimeUnit.NANOSECONDS));
	}

	private Timer timer(int status) {
		Timer timer = this.timers.get(status);
		return (timer != null) ? timer : this.timers.computeIfAbsent(status, this::register);
	}

	private Timer register(int status) {
		return Timer.builder("http.server.requests")
			.tag("method", "GET")
			.tag("status", Integer.toString(status))
			.tag("outcome", outcome(status))
			.tag("route", RawHttpServer.PATH)
			.register(this.registry);
	}

	private static String outcome(int status) {
		return switch (status / 100) {
			case 1 -> "INFORMATIONAL";
			case 2 -> "SUCCESS";
			case 3 -> "REDIRECTION";
			case 4 -> "CLIENT_ERROR";
			case 5 -> "SERVER_ERROR";
			default -> "UNKNOWN";
		};
	}

}
