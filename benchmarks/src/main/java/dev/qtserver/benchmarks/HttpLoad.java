package dev.qtserver.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * HTTP load with a native load generator ({@link HttpLoadTool}: {@code wrk} for HTTP/1.1,
 * {@code h2load} for h2c, and for HTTP/1.1 at a fixed rate), run as a child of this JVM
 * so that its CPU time counts as the generator's ({@link ProcessCpu#selfAndChildren}). It
 * warms the server up in rounds of the same load until three rounds in a row are within
 * {@code --stable} of each other in requests per second (or {@code --warmup} has passed),
 * then measures one window: requests per second, p50/p99 (wrk only), and, given
 * {@code --server-pid}, the server's CPU time per request. The window's CPU marks are
 * read right before the tool starts and right after it has been waited for, so they also
 * cover its start, connecting and closing: a few milliseconds, with next to no requests.
 *
 * <p>
 * It prints each run of the tool, a summary and a final {@code RESULT key=value ...} line
 * for scripts, and exits 0 only if every request of the warm-up and the window was
 * answered with a 2xx and no socket failed or timed out in the window. Socket errors of
 * the warm-up are reported apart ({@code warmup_errors}): a cold server may stall past
 * the tool's timeout (wrk: 2 s).
 *
 * <p>
 * Options: {@code --tool wrk|h2load|h1-rate --url http://127.0.0.1:9105/plaintext
 * --connections 64 --threads 1 --streams 10 (h2load) --rate 1000 (h1-rate: requests per second on
 * each connection) --warmup 40s --warmup-round 2s
 * --stable 0.05 --duration 10s --server-pid PID --clk-tck 100}. The URL's host must be a
 * loopback address.
 */
public final class HttpLoad {

	/** Loopback only, and bounded: no run may open more than this many connections. */
	private static final int MAX_CONNECTIONS = 4096;

	private static final Duration MAX_RUN = Duration.ofMinutes(5);

	/** How long a tool may take beyond its duration: start-up, connecting, closing. */
	private static final Duration TOOL_GRACE = Duration.ofSeconds(30);

	/**
	 * How many warm-up rounds in a row must agree: two may agree by chance while the JIT
	 * is still at work, as h2c's slow climb shows.
	 */
	private static final int STABLE_ROUNDS = 3;

	private final Settings settings;

	private HttpLoad(Settings settings) {
		this.settings = settings;
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args, Set.of("tool", "url", "connections", "threads", "streams", "rate",
				"warmup", "warmup-round", "stable", "duration", "server-pid", "clk-tck"));
		System.exit(new HttpLoad(Settings.from(options)).run() ? 0 : 1);
	}

	private boolean run() throws IOException, InterruptedException {
		PrintStream out = System.out;
		Settings settings = this.settings;
		out.printf(Locale.ROOT, "HttpLoad %s %s connections=%d threads=%d%s%n", settings.tool(), settings.url(),
				settings.connections(), settings.threads(), switch (settings.tool()) {
					case H2LOAD -> " streams=" + settings.streams();
					case H1_RATE -> " rate=" + settings.rate() + "/s per connection";
					case WRK -> "";
				});
		Warmup warmup = warmUp(out);
		ProcessCpu server = new ProcessCpu(settings.serverPid().isEmpty() ? "0" : settings.serverPid(),
				settings.clockTicks());
		ProcessCpu self = ProcessCpu.selfAndChildren(settings.clockTicks());
		MachineCpu machine = new MachineCpu(settings.clockTicks());
		out.println("WINDOW " + settings.duration().toMillis() + "ms");
		out.flush();
		WindowMark start = WindowMark.now(server, self, machine);
		String output = runTool(settings.duration());
		WindowMark end = WindowMark.now(server, self, machine);
		out.print(output);
		HttpLoadTool.Report report = settings.tool().parse(output);
		WindowCpu cpu = WindowCpu.between(start, end);

		// a socket error or timeout in the warm-up may be a cold JVM's stall past the
		// tool's
		// timeout, so only the window's count; a wrong status counts wherever it comes
		boolean passed = report.requests() > 0 && report.non2xx() == 0 && report.errors() == 0 && warmup.non2xx() == 0;
		out.printf(Locale.ROOT, "window      %.2f s (%s: %.2f s), %d requests on %d connections%n", cpu.windowSeconds(),
				settings.tool(), report.seconds(), report.requests(), settings.connections());
		out.printf(Locale.ROOT, "throughput  %.0f req/s%n", report.requestsPerSecond());
		out.printf(Locale.ROOT, "latency     p50 %.1f us, p99 %.1f us%n", report.p50Micros(), report.p99Micros());
		cpu.print(out, report.requests(), "req");
		out.printf(Locale.ROOT, "checks      %d non-2xx, %d errors (warm-up: %d non-2xx, %d errors) -> %s%n",
				report.non2xx(), report.errors(), warmup.non2xx(), warmup.errors(), passed ? "PASS" : "FAIL");
		out.printf(Locale.ROOT,
				"RESULT reqs_per_sec=%.0f p50_us=%.1f p99_us=%.1f server_cpu_us_per_req=%.3f server_cpu_util=%.3f"
						+ " client_cpu_util=%.3f other_cpu_util=%.3f requests=%d window_s=%.3f connections=%d"
						+ " non2xx=%d errors=%d warmup_errors=%d warmup_s=%d warmup_stable=%b%n",
				report.requestsPerSecond(), report.p50Micros(), report.p99Micros(),
				WindowCpu.perUnitMicros(cpu.serverSeconds(), report.requests()), cpu.utilization(cpu.serverSeconds()),
				cpu.utilization(cpu.clientSeconds()), cpu.utilization(cpu.otherSeconds()), report.requests(),
				cpu.windowSeconds(), settings.connections(), report.non2xx() + warmup.non2xx(), report.errors(),
				warmup.errors(), warmup.seconds(), warmup.stable());
		out.flush();
		return passed;
	}

	/**
	 * Rounds of the window's load until the last {@value #STABLE_ROUNDS} are within
	 * {@code --stable} of their highest, or the next round would pass {@code --warmup}.
	 */
	private Warmup warmUp(PrintStream out) throws IOException, InterruptedException {
		Duration round = this.settings.warmupRound();
		Duration spent = Duration.ZERO;
		Deque<Double> lastRates = new ArrayDeque<>();
		long non2xx = 0;
		long errors = 0;
		while (spent.plus(round).compareTo(this.settings.warmup()) <= 0) {
			HttpLoadTool.Report report = this.settings.tool().parse(runTool(round));
			spent = spent.plus(round);
			non2xx += report.non2xx();
			errors += report.errors();
			out.printf(Locale.ROOT, "WARMUP %.0f req/s after %d s%s%n", report.requestsPerSecond(), spent.toSeconds(),
					(report.non2xx() + report.errors() > 0)
							? " (" + report.non2xx() + " non-2xx, " + report.errors() + " errors)" : "");
			out.flush();
			lastRates.addLast(report.requestsPerSecond());
			if (lastRates.size() > STABLE_ROUNDS) {
				lastRates.removeFirst();
			}
			if (lastRates.size() == STABLE_ROUNDS && Collections.max(lastRates)
					- Collections.min(lastRates) <= this.settings.stable() * Collections.max(lastRates)) {
				return new Warmup(spent.toSeconds(), true, non2xx, errors);
			}
		}
		if (this.settings.warmup().compareTo(round) >= 0) {
			out.printf(Locale.ROOT, "WARMUP not stable within %d s; measuring anyway%n", spent.toSeconds());
		}
		return new Warmup(spent.toSeconds(), false, non2xx, errors);
	}

	/**
	 * Run the tool for {@code duration}, bounded, and return its report.
	 * @throws IllegalStateException if it fails or overruns
	 */
	private String runTool(Duration duration) throws IOException, InterruptedException {
		List<String> command = this.settings.tool().command(this.settings, duration);
		Path output = Files.createTempFile("http-load", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(duration.plus(TOOL_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not end in time");
			}
			String text = Files.readString(output);
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + text);
			}
			return text;
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/**
	 * How the warm-up went: how long it took, whether it ended stable, and what failed in
	 * it.
	 */
	private record Warmup(long seconds, boolean stable, long non2xx, long errors) {

	}

	/**
	 * The typed form of the command-line options, checked against the harness's bounds.
	 */
	record Settings(HttpLoadTool tool, URI url, int connections, int threads, int streams, int rate, Duration warmup,
			Duration warmupRound, double stable, Duration duration, String serverPid, long clockTicks) {

		Settings {
			Loopback.require(url.getHost());
			if (connections < 1 || connections > MAX_CONNECTIONS) {
				throw new IllegalArgumentException("--connections must be between 1 and " + MAX_CONNECTIONS);
			}
			if (threads < 1 || threads > connections) {
				throw new IllegalArgumentException("--threads must be between 1 and --connections");
			}
			if (streams < 1 || streams > 1024) {
				throw new IllegalArgumentException("--streams must be between 1 and 1024");
			}
			if (rate < 1 || rate > 1_000_000) {
				throw new IllegalArgumentException("--rate must be between 1 and 1,000,000 requests per second");
			}
			if (warmupRound.compareTo(Duration.ofSeconds(1)) < 0 || !(stable > 0)) {
				throw new IllegalArgumentException("--warmup-round must be at least 1s and --stable positive");
			}
			if (warmup.plus(duration).compareTo(MAX_RUN) > 0 || duration.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException(
						"--duration must be at least 1s, and --warmup plus --duration at most " + MAX_RUN);
			}
		}

		static Settings from(Options options) {
			return new Settings(HttpLoadTool.of(options.string("tool", "wrk")),
					URI.create(options.string("url", "http://127.0.0.1:9105" + RawHttpServer.PATH)),
					options.integer("connections", 64), options.integer("threads", 1), options.integer("streams", 10),
					options.integer("rate", 1000), options.duration("warmup", Duration.ofSeconds(40)),
					options.duration("warmup-round", Duration.ofSeconds(2)),
					Double.parseDouble(options.string("stable", "0.05")),
					options.duration("duration", Duration.ofSeconds(10)), options.string("server-pid", ""),
					options.longValue("clk-tck", 100));
		}

	}

}
