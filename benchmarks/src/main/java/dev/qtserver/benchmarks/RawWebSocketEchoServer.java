package dev.qtserver.benchmarks;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * The raw Reactor Netty baseline for WebSocket: an echo of text messages written the way
 * a Reactor Netty user would write it by hand, with no starter in between. The starter's
 * annotated {@code @OnMessage String echo(String)} handler is measured against this.
 *
 * <p>
 * Each text frame that comes in goes back out as it is: {@code retain()} keeps it alive
 * past Reactor Netty's release after {@code map}, and the frame encoder releases it once
 * written, so the echo copies and allocates nothing of its own. Other data frames are
 * dropped; ping and close are answered by Reactor Netty. The spec is the default one
 * (64KB frames, no compression), as the starter's.
 *
 * <p>
 * Usage: {@code RawWebSocketEchoServer [port]} or {@code --port P} (default 9103); the
 * WebSocket path is {@code /echo}. Prints {@code LISTENING <port>} once bound and runs
 * until the process is killed.
 */
public final class RawWebSocketEchoServer {

	static final String PATH = "/echo";

	private static final int DEFAULT_PORT = 9103;

	private RawWebSocketEchoServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		DisposableServer server = HttpServer.create()
			.port(BaselineServers.port(args, DEFAULT_PORT))
			.route((routes) -> routes.ws(PATH,
					(in, out) -> out.sendObject(
							in.receiveFrames().ofType(TextWebSocketFrame.class).map(TextWebSocketFrame::retain)),
					WebsocketServerSpec.builder().build()))
			.bindNow();
		BaselineServers.serveUntilKilled(server);
	}

}
