package dev.qtserver.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far (all its threads, user plus system), read from
 * {@code /proc/<pid>/stat}, and on request that of the children it has waited for.
 * Reading it on the load generator's event loop at the very moments the measurement
 * window opens and closes makes the CPU figure cover exactly the messages that were
 * counted.
 */
final class ProcessCpu {

	private final Path statFile;

	private final long clockTicksPerSecond;

	private final boolean withChildren;

	/**
	 * @param pid the process, or {@code "self"} for this JVM
	 * @param clockTicksPerSecond what {@code getconf CLK_TCK} prints (100 on Linux)
	 */
	ProcessCpu(String pid, long clockTicksPerSecond) {
		this(pid, clockTicksPerSecond, false);
	}

	private ProcessCpu(String pid, long clockTicksPerSecond, boolean withChildren) {
		this.statFile = Path.of("/proc", pid, "stat");
		this.clockTicksPerSecond = clockTicksPerSecond;
		this.withChildren = withChildren;
	}

	/**
	 * This JVM's CPU time plus that of the child processes it has waited for: a child's
	 * time counts once {@link Process#waitFor()} has returned, not while it runs.
	 * @param clockTicksPerSecond what {@code getconf CLK_TCK} prints (100 on Linux)
	 * @return the CPU time of this JVM and its finished children
	 */
	static ProcessCpu selfAndChildren(long clockTicksPerSecond) {
		return new ProcessCpu("self", clockTicksPerSecond, true);
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
			// 11 and 12, and the waited-for children's cutime and cstime 13 and 14
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			if (this.withChildren) {
				ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
			}
			return ticks * 1_000_000_000L / this.clockTicksPerSecond;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
