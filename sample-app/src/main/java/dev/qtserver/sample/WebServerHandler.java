package dev.qtserver.sample;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import dev.qtserver.http.PathVariable;
import dev.qtserver.http.QHttpServerResponse;
import dev.qtserver.http.RequestParam;
import dev.qtserver.http.Route;
import dev.qtserver.handler.QtHandler;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP server {@code web} on port 8081: a page, a JSON route with a path variable, a
 * streamed (chunked) route and the benchmark's plaintext route.
 */
@QtHandler(server = "web")
class WebServerHandler {

	private static final byte[] PAGE = page();

	/** The page: runs on a worker, as any method that returns a value does. */
	@Route(value = "/", methods = "GET")
	QHttpServerResponse index() {
		return new QHttpServerResponse(200, "text/html;charset=UTF-8", PAGE);
	}

	/** JSON: the record is written by the application's Jackson mapper. */
	@Route(value = "/greetings/{name}", methods = "GET")
	Greeting greet(@PathVariable("name") String name, @RequestParam("greeting") @Nullable String greeting) {
		return new Greeting((greeting != null) ? greeting : "Hello", name);
	}

	/** Streamed: one chunk a tenth of a second, on the event loop (it returns a Flux). */
	@Route(value = "/countdown/{from}", methods = "GET")
	Flux<String> countdown(@PathVariable("from") int from) {
		return Flux.range(0, Math.max(0, Math.min(from, 100)) + 1)
			.delayElements(Duration.ofMillis(100))
			.map((i) -> (from - i) + "\n");
	}

	/** The benchmark's route: a Mono, so it runs on the event loop. */
	@Route(value = "/plaintext", methods = "GET")
	Mono<String> plaintext() {
		return Mono.just("Hello, World!");
	}

	record Greeting(String greeting, String name) {

	}

	private static byte[] page() {
		try (InputStream in = WebServerHandler.class.getResourceAsStream("/static/index.html")) {
			if (in == null) {
				throw new IllegalStateException("static/index.html is missing from the sample");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read static/index.html", ex);
		}
	}

}
