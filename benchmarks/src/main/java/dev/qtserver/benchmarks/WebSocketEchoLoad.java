package dev.qtserver.benchmarks;

import java.net.URI;

import dev.qtserver.benchmarks.EchoLoad.LoadSettings;

/**
 * Closed-loop WebSocket echo load: {@code connections} WebSocket sessions each keep
 * {@code inflight} text messages in flight, every echo is checked (content and order) and
 * answered with the next message. After a warm-up, a fixed window is measured: messages
 * per second, round-trip p50/p99, and, given {@code --server-pid}, the server's CPU time
 * per message over exactly that window. The run itself is {@link EchoLoad}'s, the same as
 * {@link TcpEchoLoad}'s, and so is the {@code RESULT} line; this program upgrades each
 * connection and frames the messages as masked text frames
 * ({@link WebSocketClientConnection}).
 *
 * <p>
 * Options:
 * {@code --host 127.0.0.1 --port 9003 --path /echo --connections 64 --inflight 16
 * --message-bytes 64 --warmup 5s --duration 10s --server-pid PID --clk-tck 100};
 * {@code --message-bytes} is the payload of each frame.
 */
public final class WebSocketEchoLoad {

	private WebSocketEchoLoad() {
	}

	public static void main(String[] args) throws Exception {
		Options options = EchoLoad.options(args, "path", "message-bytes");
		int messageBytes = EchoLines.checkedContentLength(options.integer("message-bytes", 64));
		String path = options.string("path", "/echo");
		LoadSettings settings = LoadSettings.from(options, 9003);
		URI uri = WebSocketClientConnection.uri(settings.host(), settings.port(), path);
		EchoLoad.runAndExit("WebSocketEchoLoad", "path=" + uri.getPath() + " message=" + messageBytes + "B", settings,
				(id, counters, s) -> new WebSocketClientConnection(id, counters, s.inflight(), messageBytes, uri));
	}

}
