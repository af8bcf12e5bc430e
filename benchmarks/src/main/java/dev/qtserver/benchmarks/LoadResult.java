package dev.qtserver.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

import dev.qtserver.benchmarks.EchoLoad.LoadSettings;

/**
 * The figures of one {@link EchoLoad} run, taken from the counters once the run has
 * drained, and their two printed forms: a summary for people and one {@code RESULT} line
 * of {@code key=value} pairs for scripts. CPU figures are -1 when a process could not be
 * read.
 */
final class LoadResult {

	private final LoadSettings settings;

	private final int connected;

	private final long messages;

	private final long p50Nanos;

	private final long p99Nanos;

	private final long maxNanos;

	private final long mismatches;

	private final long errors;

	private final long lost;

	private final WindowCpu cpu;

	LoadResult(LoadSettings settings, WindowMark start, WindowMark end, LoadCounters counters, int connected,
			long lost) {
		this.settings = settings;
		this.connected = connected;
		this.messages = counters.windowMessages();
		this.p50Nanos = counters.latency.percentile(50);
		this.p99Nanos = counters.latency.percentile(99);
		this.maxNanos = counters.latency.max();
		this.mismatches = counters.mismatches();
		this.errors = counters.errors();
		this.lost = lost;
		this.cpu = WindowCpu.between(start, end);
	}

	/**
	 * Whether every reply came back, in order and intact, on connections that all stayed
	 * up.
	 */
	boolean passed() {
		return this.messages > 0 && this.mismatches == 0 && this.errors == 0 && this.lost == 0;
	}

	void print(PrintStream out) {
		double rate = this.messages / this.cpu.windowSeconds();
		out.printf(Locale.ROOT, "window      %.2f s, %d messages on %d connections%n", this.cpu.windowSeconds(),
				this.messages, this.connected);
		out.printf(Locale.ROOT, "throughput  %.0f msgs/s%n", rate);
		out.printf(Locale.ROOT, "latency     p50 %.1f us, p99 %.1f us, max %.1f us%n", this.p50Nanos / 1e3,
				this.p99Nanos / 1e3, this.maxNanos / 1e3);
		this.cpu.print(out, this.messages, "msg");
		out.printf(Locale.ROOT, "checks      %d mismatches, %d errors, %d lost -> %s%n", this.mismatches, this.errors,
				this.lost, passed() ? "PASS" : "FAIL");
		out.printf(Locale.ROOT,
				"RESULT msgs_per_sec=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f server_cpu_us_per_msg=%.3f"
						+ " server_cpu_util=%.3f client_cpu_util=%.3f other_cpu_util=%.3f messages=%d window_s=%.3f connections=%d"
						+ " inflight=%d mismatches=%d errors=%d lost=%d%n",
				rate, this.p50Nanos / 1e3, this.p99Nanos / 1e3, this.maxNanos / 1e3,
				WindowCpu.perUnitMicros(this.cpu.serverSeconds(), this.messages),
				this.cpu.utilization(this.cpu.serverSeconds()), this.cpu.utilization(this.cpu.clientSeconds()),
				this.cpu.utilization(this.cpu.otherSeconds()), this.messages, this.cpu.windowSeconds(), this.connected,
				this.settings.inflight(), this.mismatches, this.errors, this.lost);
		out.flush();
	}

}
