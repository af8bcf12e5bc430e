package dev.qtserver.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

import dev.qtserver.benchmarks.EchoLoad.LoadSettings;
import dev.qtserver.benchmarks.EchoLoad.WindowMark;

/**
 * The figures of one {@link EchoLoad} run, taken from the counters once the run has
 * drained, and their two printed forms: a summary for people and one {@code RESULT} line
 * of {@code key=value} pairs for scripts. CPU figures are -1 when a process could not be
 * read.
 */
final class LoadResult {

	/**
	 * Cores' worth of CPU used by other processes above which the figures are flagged.
	 */
	private static final double OTHER_LOAD_WARNING = 0.10;

	private final LoadSettings settings;

	private final int connected;

	private final double windowSeconds;

	private final long messages;

	private final long p50Nanos;

	private final long p99Nanos;

	private final long maxNanos;

	private final long mismatches;

	private final long errors;

	private final long lost;

	private final double serverCpuSeconds;

	private final double clientCpuSeconds;

	private final double otherCpuSeconds;

	LoadResult(LoadSettings settings, WindowMark start, WindowMark end, LoadCounters counters, int connected,
			long lost) {
		this.settings = settings;
		this.connected = connected;
		this.windowSeconds = (end.nanos() - start.nanos()) / 1e9;
		this.messages = counters.windowMessages();
		this.p50Nanos = counters.latency.percentile(50);
		this.p99Nanos = counters.latency.percentile(99);
		this.maxNanos = counters.latency.max();
		this.mismatches = counters.mismatches();
		this.errors = counters.errors();
		this.lost = lost;
		this.serverCpuSeconds = cpuSeconds(start.serverCpuNanos(), end.serverCpuNanos());
		this.clientCpuSeconds = cpuSeconds(start.selfCpuNanos(), end.selfCpuNanos());
		double machineCpuSeconds = cpuSeconds(start.machineBusyNanos(), end.machineBusyNanos());
		this.otherCpuSeconds = (machineCpuSeconds < 0 || this.serverCpuSeconds < 0 || this.clientCpuSeconds < 0) ? -1
				: Math.max(0, machineCpuSeconds - this.serverCpuSeconds - this.clientCpuSeconds);
	}

	/**
	 * Whether every reply came back, in order and intact, on connections that all stayed
	 * up.
	 */
	boolean passed() {
		return this.messages > 0 && this.mismatches == 0 && this.errors == 0 && this.lost == 0;
	}

	void print(PrintStream out) {
		double rate = this.messages / this.windowSeconds;
		out.printf(Locale.ROOT, "window      %.2f s, %d messages on %d connections%n", this.windowSeconds,
				this.messages, this.connected);
		out.printf(Locale.ROOT, "throughput  %.0f msgs/s%n", rate);
		out.printf(Locale.ROOT, "latency     p50 %.1f us, p99 %.1f us, max %.1f us%n", this.p50Nanos / 1e3,
				this.p99Nanos / 1e3, this.maxNanos / 1e3);
		if (this.serverCpuSeconds >= 0) {
			out.printf(Locale.ROOT, "server CPU  %.2f s (%.0f %% of one core), %.3f us/msg%n", this.serverCpuSeconds,
					100 * this.serverCpuSeconds / this.windowSeconds, perMessageMicros(this.serverCpuSeconds));
		}
		if (this.clientCpuSeconds >= 0) {
			// near 100 % means the generator, not the server, set the pace
			out.printf(Locale.ROOT, "client CPU  %.2f s (%.0f %% of one core), %.3f us/msg%n", this.clientCpuSeconds,
					100 * this.clientCpuSeconds / this.windowSeconds, perMessageMicros(this.clientCpuSeconds));
		}
		if (this.otherCpuSeconds >= 0) {
			// the 2 cores are meant for server and generator alone; anything else skews
			// both
			out.printf(Locale.ROOT, "other CPU   %.2f s (%.0f %% of one core)%s%n", this.otherCpuSeconds,
					100 * this.otherCpuSeconds / this.windowSeconds,
					(utilization(this.otherCpuSeconds) > OTHER_LOAD_WARNING) ? "  WARNING: other processes were busy"
							: "");
		}
		out.printf(Locale.ROOT, "checks      %d mismatches, %d errors, %d lost -> %s%n", this.mismatches, this.errors,
				this.lost, passed() ? "PASS" : "FAIL");
		out.printf(Locale.ROOT,
				"RESULT msgs_per_sec=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f server_cpu_us_per_msg=%.3f"
						+ " server_cpu_util=%.3f client_cpu_util=%.3f other_cpu_util=%.3f messages=%d window_s=%.3f connections=%d"
						+ " inflight=%d mismatches=%d errors=%d lost=%d%n",
				rate, this.p50Nanos / 1e3, this.p99Nanos / 1e3, this.maxNanos / 1e3,
				perMessageMicros(this.serverCpuSeconds), utilization(this.serverCpuSeconds),
				utilization(this.clientCpuSeconds), utilization(this.otherCpuSeconds), this.messages,
				this.windowSeconds, this.connected, this.settings.inflight(), this.mismatches, this.errors, this.lost);
		out.flush();
	}

	private double perMessageMicros(double cpuSeconds) {
		return (cpuSeconds < 0 || this.messages == 0) ? -1 : cpuSeconds * 1e6 / this.messages;
	}

	private double utilization(double cpuSeconds) {
		return (cpuSeconds < 0) ? -1 : cpuSeconds / this.windowSeconds;
	}

	private static double cpuSeconds(long startNanos, long endNanos) {
		return (startNanos < 0 || endNanos < 0) ? -1 : (endNanos - startNanos) / 1e9;
	}

}
