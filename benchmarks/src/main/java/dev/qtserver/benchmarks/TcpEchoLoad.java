package dev.qtserver.benchmarks;

import java.util.ArrayList;
import java.util.List;

import dev.qtserver.benchmarks.EchoLoad.LoadSettings;

/**
 * Closed-loop TCP line echo load: {@code connections} connections each keep
 * {@code inflight} lines in flight, every reply is checked (content and order) and
 * answered with the next line. After a warm-up, a fixed window is measured: messages per
 * second, round-trip p50/p99, and, given {@code --server-pid}, the server's CPU time per
 * message over exactly that window. The run itself is {@link EchoLoad}'s; this program
 * frames the messages as lines ({@link LineClientConnection}).
 *
 * <p>
 * Options: {@code --host 127.0.0.1 --port 9000 --connections 64 --inflight 16
 * --line-bytes 64 --warmup 5s --duration 10s --server-pid PID --clk-tck 100};
 * {@code --line-bytes} counts the {@code \n}. {@code --tls-ca FILE} sends the lines over
 * TLS, trusting that CA ({@link TlsClient}; also {@code --tls-server-name localhost
 * --tls-protocols TLSv1.3 --tls-ciphers TLS_AES_128_GCM_SHA256}); the summary then says
 * what each connection negotiated.
 */
public final class TcpEchoLoad {

	private TcpEchoLoad() {
	}

	public static void main(String[] args) throws Exception {
		List<String> own = new ArrayList<>(List.of(TlsClient.optionNames()));
		own.add("line-bytes");
		Options options = EchoLoad.options(args, own.toArray(String[]::new));
		int lineBytes = options.integer("line-bytes", 64);
		int contentLength = EchoLines.contentLength(lineBytes);
		TlsClient tls = TlsClient.from(options);
		String framing = "line=" + lineBytes + "B" + ((tls != null) ? " tls" : "");
		EchoLoad.runAndExit("TcpEchoLoad", framing, LoadSettings.from(options, 9000),
				(id, counters, settings) -> new LineClientConnection(id, counters, settings.inflight(), contentLength,
						tls, settings.port(), settings.connectTimeout().toMillis()),
				(tls != null) ? () -> "tls         " + tls.summary() : null);
	}

}
