package dev.qtserver.benchmarks;

/**
 * The clock, the server's and the load generator's CPU time and the machine's busy time
 * at one edge of a measurement window. Two marks give a {@link WindowCpu}. A load reads
 * its marks at the moments it opens and closes the window, so that the CPU figures cover
 * what it counted.
 *
 * @param nanos {@link System#nanoTime()}
 * @param serverCpuNanos the server's CPU time so far, or -1
 * @param selfCpuNanos the generator's CPU time so far, or -1
 * @param machineBusyNanos the machine's busy time so far, all cores, or -1
 */
record WindowMark(long nanos, long serverCpuNanos, long selfCpuNanos, long machineBusyNanos) {

	static WindowMark now(ProcessCpu server, ProcessCpu self, MachineCpu machine) {
		return new WindowMark(System.nanoTime(), server.cpuNanos(), self.cpuNanos(), machine.busyNanos());
	}

}
