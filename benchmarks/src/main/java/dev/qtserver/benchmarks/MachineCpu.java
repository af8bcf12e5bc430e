package dev.qtserver.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Busy CPU time of the whole machine so far, all cores, from the first line of
 * {@code /proc/stat}. What the window's machine-wide busy time holds beyond the server's
 * and the generator's is other work (a build, another test) that disturbed the
 * measurement.
 */
final class MachineCpu {

	private static final Path STAT = Path.of("/proc/stat");

	private final long clockTicksPerSecond;

	MachineCpu(long clockTicksPerSecond) {
		this.clockTicksPerSecond = clockTicksPerSecond;
	}

	/**
	 * @return busy nanoseconds (user, nice, system, irq, softirq, steal), or -1 if
	 * unreadable
	 */
	long busyNanos() {
		try (var lines = Files.lines(STAT, StandardCharsets.US_ASCII)) {
			String cpu = lines.findFirst().orElseThrow();
			// "cpu user nice system idle iowait irq softirq steal guest guest_nice"
			String[] fields = cpu.trim().split("\\s+");
			long ticks = 0;
			for (int field : new int[] { 1, 2, 3, 6, 7, 8 }) {
				ticks += Long.parseLong(fields[field]);
			}
			return ticks * 1_000_000_000L / this.clockTicksPerSecond;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
