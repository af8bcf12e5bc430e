package dev.qtserver.test;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;

/**
 * A thread dump of the whole JVM as text, in the shape of {@code jstack}: every thread
 * with its full stack, the monitors and synchronizers it holds and the one it waits for,
 * and its CPU time. {@link ThreadInfo#toString()} is not enough: it cuts each stack after
 * eight frames.
 */
public final class ThreadDump {

	private ThreadDump() {
	}

	/**
	 * Take a dump of every live thread now.
	 * @return the dump, one block per thread
	 */
	public static String ofAllThreads() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		ThreadInfo[] infos = threads.dumpAllThreads(threads.isObjectMonitorUsageSupported(),
				threads.isSynchronizerUsageSupported());
		StringBuilder dump = new StringBuilder();
		dump.append("Thread dump at ").append(Instant.now()).append(", ").append(infos.length).append(" threads\n");
		long[] deadlocked = threads.isSynchronizerUsageSupported() ? threads.findDeadlockedThreads()
				: threads.findMonitorDeadlockedThreads();
		if (deadlocked != null) {
			dump.append("Deadlocked thread ids: ").append(java.util.Arrays.toString(deadlocked)).append('\n');
		}
		for (ThreadInfo info : infos) {
			append(dump, info, cpuMillis(threads, info.getThreadId()));
		}
		return dump.toString();
	}

	private static long cpuMillis(ThreadMXBean threads, long id) {
		if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
			return -1;
		}
		long nanos = threads.getThreadCpuTime(id);
		return (nanos < 0) ? -1 : nanos / 1_000_000;
	}

	private static void append(StringBuilder dump, ThreadInfo info, long cpuMillis) {
		dump.append('\n')
			.append('"')
			.append(info.getThreadName())
			.append("\" #")
			.append(info.getThreadId())
			.append(info.isDaemon() ? " daemon" : "")
			.append(" prio=")
			.append(info.getPriority())
			.append(" cpu=")
			.append(cpuMillis)
			.append("ms ")
			.append(info.getThreadState());
		if (info.isSuspended()) {
			dump.append(" (suspended)");
		}
		if (info.isInNative()) {
			dump.append(" (in native)");
		}
		dump.append('\n');
		StackTraceElement[] stack = info.getStackTrace();
		MonitorInfo[] monitors = info.getLockedMonitors();
		for (int depth = 0; depth < stack.length; depth++) {
			dump.append("\tat ").append(stack[depth]).append('\n');
			if (depth == 0) {
				appendWaitedLock(dump, info);
			}
			for (MonitorInfo monitor : monitors) {
				if (monitor.getLockedStackDepth() == depth) {
					dump.append("\t- locked ").append(monitor).append('\n');
				}
			}
		}
		LockInfo[] synchronizers = info.getLockedSynchronizers();
		if (synchronizers.length > 0) {
			dump.append("\tLocked synchronizers:\n");
			for (LockInfo synchronizer : synchronizers) {
				dump.append("\t- ").append(synchronizer).append('\n');
			}
		}
	}

	private static void appendWaitedLock(StringBuilder dump, ThreadInfo info) {
		LockInfo lock = info.getLockInfo();
		if (lock == null) {
			return;
		}
		String verb = switch (info.getThreadState()) {
			case BLOCKED -> "blocked on ";
			case WAITING, TIMED_WAITING -> "waiting on ";
			default -> "on ";
		};
		dump.append("\t- ").append(verb).append(lock);
		if (info.getLockOwnerName() != null) {
			dump.append(" owned by \"").append(info.getLockOwnerName()).append("\" #").append(info.getLockOwnerId());
		}
		dump.append('\n');
	}

}
