package dev.qtserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.BiFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The raw Reactor Netty baseline for HTTP: {@code GET /plaintext} answered with
 * {@code 200}, {@code Content-Type: text/plain} and the body {@code Hello, World!},
 * written by hand with Reactor Netty's {@link HttpServer} and its routes, with no starter
 * in between. It speaks HTTP/1.1 and h2c ({@code protocol(HTTP11, H2C)}: prior knowledge
 * or upgrade). Any other request gets Reactor Netty's {@code 404}. In either
 * {@link EchoIdiom}:
 * <ul>
 * <li>{@code string}: {@code response.sendString(Mono.just("Hello, World!"))}. The body
 * is encoded into a new pooled buffer for every response: the work of a handler that
 * returns a {@code String}.
 * <li>{@code zero-copy}: {@code response.sendObject(BODY.retainedDuplicate())}, where
 * {@code BODY} is a direct buffer of the body allocated once. Nothing is encoded or
 * allocated for the body per response: the limit of the engine on this work.
 * </ul>
 * Both send one buffer, so Reactor Netty sets {@code Content-Length} and writes one full
 * response.
 *
 * <p>
 * With {@code --features sample} the string idiom also gives what the sample's route
 * gives besides the body, written by hand ({@link PlaintextAsSample}): a keep-alive
 * timeout with its {@code Keep-Alive} header, the sample's content type, and a request
 * timer. The default, {@code --features none}, is the bare route the goals are taken
 * against.
 *
 * <p>
 * Usage: {@code RawHttpServer [port] [--idiom zero-copy|string] [--features none|sample]}
 * or {@code --port P} (default 9105, zero-copy, none). Prints {@code LISTENING <port>}
 * once bound and runs until the process is killed.
 */
public final class RawHttpServer {

	static final String PATH = "/plaintext";

	static final String BODY = "Hello, World!";

	private static final int DEFAULT_PORT = 9105;

	/**
	 * Unreleasable: every response sends a retained duplicate, never the buffer itself.
	 */
	private static final ByteBuf BODY_BUFFER = Unpooled
		.unreleasableBuffer(Unpooled.directBuffer(BODY.length()).writeBytes(BODY.getBytes(StandardCharsets.US_ASCII)));

	private RawHttpServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		BaselineServers.serve(args, DEFAULT_PORT, Set.of("features"), (options, port, idiom) -> {
			HttpServer server = HttpServer.create().port(port).protocol(HttpProtocol.HTTP11, HttpProtocol.H2C);
			String features = options.string("features", "none");
			if (features.equals("none")) {
				return server.route((routes) -> routes.get(PATH, plaintext(idiom))).bindNow();
			}
			if (!features.equals("sample") || idiom != EchoIdiom.STRING) {
				throw new IllegalArgumentException(
						"--features is none, or sample with --idiom string; not " + features + " with " + idiom);
			}
			return server.idleTimeout(PlaintextAsSample.KEEP_ALIVE)
				.route((routes) -> routes.get(PATH, new PlaintextAsSample()))
				.bindNow();
		});
	}

	private static BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> plaintext(EchoIdiom idiom) {
		return switch (idiom) {
			case STRING -> (request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
				.sendString(Mono.just(BODY));
			case ZERO_COPY -> (request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
				.sendObject(BODY_BUFFER.retainedDuplicate());
		};
	}

}
