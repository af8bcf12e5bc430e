package dev.qtserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.reactivestreams.Publisher;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The raw Reactor Netty baseline for WebSocket: an echo of text messages written by hand
 * with Reactor Netty, with no starter in between, in either {@link EchoIdiom}. The
 * starter's annotated {@code @OnMessage String echo(String)} handler is measured against
 * both.
 * <ul>
 * <li>{@code zero-copy}:
 * {@code out.sendObject(in.receiveFrames().ofType(TextWebSocketFrame.class).map(TextWebSocketFrame::retain))}.
 * Each text frame goes back out as it came: {@code retain()} keeps it alive past Reactor
 * Netty's release after {@code map}, and the frame encoder releases it once written, so
 * the echo copies and allocates nothing of its own. Other data frames are dropped.
 * <li>{@code string}: {@code out.sendString(in.receive().asString(UTF_8))}. Each data
 * frame's payload is decoded to a {@code String}, and the reply is a new
 * {@code TextWebSocketFrame} of it, which Netty encodes to UTF-8 in an unpooled buffer:
 * the work of a {@code String} handler. A binary frame would come back as text; the load
 * sends only text.
 * </ul>
 * Ping and close are answered by Reactor Netty. The spec is the default one (64KB frames,
 * no compression), as the starter's.
 *
 * <p>
 * Usage: {@code RawWebSocketEchoServer [port] [--idiom zero-copy|string]} or
 * {@code --port P} (default 9103, zero-copy); the WebSocket path is {@code /echo}. Prints
 * {@code LISTENING <port>} once bound and runs until the process is killed.
 */
public final class RawWebSocketEchoServer {

	static final String PATH = "/echo";

	private static final int DEFAULT_PORT = 9103;

	private RawWebSocketEchoServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		BaselineServers.serve(args, DEFAULT_PORT,
				(port, idiom) -> HttpServer.create()
					.port(port)
					.route((routes) -> routes.ws(PATH, echo(idiom), WebsocketServerSpec.builder().build()))
					.bindNow());
	}

	private static BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> echo(EchoIdiom idiom) {
		return switch (idiom) {
			case ZERO_COPY -> (in, out) -> out
				.sendObject(in.receiveFrames().ofType(TextWebSocketFrame.class).map(TextWebSocketFrame::retain));
			// text frames are UTF-8: WebsocketOutbound.sendString takes no charset
			case STRING -> (in, out) -> out.sendString(in.receive().asString(StandardCharsets.UTF_8));
		};
	}

}
