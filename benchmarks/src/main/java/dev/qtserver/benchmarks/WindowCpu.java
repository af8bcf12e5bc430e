package dev.qtserver.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What the server, the load generator and every other process used of the machine's CPU
 * during one measurement window, from the {@link WindowMark}s at its edges. The two cores
 * are meant for the server and the generator alone: CPU time of others disturbed both. A
 * figure is -1 when a process could not be read.
 *
 * @param windowSeconds the window's length
 * @param serverSeconds the server's CPU time in the window
 * @param clientSeconds the generator's CPU time in the window
 * @param otherSeconds the CPU time of every other process in the window
 */
record WindowCpu(double windowSeconds, double serverSeconds, double clientSeconds, double otherSeconds) {

	/**
	 * Cores' worth of CPU used by other processes above which the figures are flagged.
	 */
	static final double OTHER_LOAD_WARNING = 0.10;

	static WindowCpu between(WindowMark start, WindowMark end) {
		double server = cpuSeconds(start.serverCpuNanos(), end.serverCpuNanos());
		double client = cpuSeconds(start.selfCpuNanos(), end.selfCpuNanos());
		double machine = cpuSeconds(start.machineBusyNanos(), end.machineBusyNanos());
		double other = (machine < 0 || server < 0 || client < 0) ? -1 : Math.max(0, machine - server - client);
		return new WindowCpu((end.nanos() - start.nanos()) / 1e9, server, client, other);
	}

	/**
	 * @return cores' worth of CPU that {@code cpuSeconds} is over the window, or -1
	 */
	double utilization(double cpuSeconds) {
		return (cpuSeconds < 0) ? -1 : cpuSeconds / this.windowSeconds;
	}

	/**
	 * @return microseconds of {@code cpuSeconds} per unit of work done in the window, or
	 * -1
	 */
	static double perUnitMicros(double cpuSeconds, long units) {
		return (cpuSeconds < 0 || units == 0) ? -1 : cpuSeconds * 1e6 / units;
	}

	/**
	 * Print the summary lines of the server's, the generator's and the others' CPU use.
	 * @param units the work done in the window (messages, requests)
	 * @param unit what one unit is called ({@code msg}, {@code req})
	 */
	void print(PrintStream out, long units, String unit) {
		if (this.serverSeconds >= 0) {
			out.printf(Locale.ROOT, "server CPU  %.2f s (%.0f %% of one core), %.3f us/%s%n", this.serverSeconds,
					100 * utilization(this.serverSeconds), perUnitMicros(this.serverSeconds, units), unit);
		}
		if (this.clientSeconds >= 0) {
			// near 100 % means the generator, not the server, set the pace
			out.printf(Locale.ROOT, "client CPU  %.2f s (%.0f %% of one core), %.3f us/%s%n", this.clientSeconds,
					100 * utilization(this.clientSeconds), perUnitMicros(this.clientSeconds, units), unit);
		}
		if (this.otherSeconds >= 0) {
			out.printf(Locale.ROOT, "other CPU   %.2f s (%.0f %% of one core)%s%n", this.otherSeconds,
					100 * utilization(this.otherSeconds), (utilization(this.otherSeconds) > OTHER_LOAD_WARNING)
							? "  WARNING: other processes were busy" : "");
		}
	}

	private static double cpuSeconds(long startNanos, long endNanos) {
		return (startNanos < 0 || endNanos < 0) ? -1 : (endNanos - startNanos) / 1e9;
	}

}
