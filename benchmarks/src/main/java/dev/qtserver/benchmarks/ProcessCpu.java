package dev.qtserver.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far (all its threads, user plus system), read from
 * {@code /proc/<pid>/stat}. Reading it on the load generator's event loop at the very
 * moments the measurement window opens and closes makes the CPU figure cover exactly the
 * messages that were counted.
 */
final class ProcessCpu {

	private final Path statFile;

	private final long clockTicksPerSecond;

	/**
	 * @param pid the process, or {@code "self"} for this JVM
	 * @param clockTicksPerSecond what {@code getconf CLK_TCK} prints (100 on Linux)
	 */
	ProcessCpu(String pid, long clockTicksPerSecond) {
		this.statFile = Path.of("/proc", pid, "stat");
		this.clockTicksPerSecond = clockTicksPerSecond;
	}

	/**
	 * @return CPU nanoseconds used so far, or -1 if the process cannot be read
	 */
	long cpuNanos() {
		try {
			String stat = Files.readString(this.statFile, StandardCharsets.US_ASCII);
			// the command name (field 2) may hold spaces and parentheses: count fields
			// after the last ')'
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are
			// 11 and 12
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1_000_000_000L / this.clockTicksPerSecond;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
