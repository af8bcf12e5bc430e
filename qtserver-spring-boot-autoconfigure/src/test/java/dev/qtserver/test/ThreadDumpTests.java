package dev.qtserver.test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ThreadDump} shows whole stacks, who holds a lock and who waits for it.
 */
class ThreadDumpTests {

	private final Object lock = new Object();

	@Test
	void whenAThreadWaitsForALockThenTheDumpNamesTheLockAndItsOwner() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		Thread waiting = new Thread(() -> {
			started.countDown();
			synchronized (this.lock) {
				// nothing: it only has to wait for the lock
			}
		}, "dump-test-waiting");
		String dump;
		synchronized (this.lock) {
			waiting.start();
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			while (waiting.getState() != Thread.State.BLOCKED) {
				Thread.onSpinWait();
			}
			dump = ThreadDump.ofAllThreads();
		}
		waiting.join(10_000);
		String owner = Thread.currentThread().getName();
		assertThat(dump).contains("\"dump-test-waiting\" #" + waiting.getId() + " prio=5")
			.contains("BLOCKED\n")
			.contains("- blocked on java.lang.Object@")
			.contains("owned by \"" + owner + "\"")
			.contains("- locked java.lang.Object@")
			.contains(ThreadDumpTests.class.getName() + ".whenAThreadWaitsForALockThenTheDumpNamesTheLockAndItsOwner(");
	}

	@Test
	void whenAStackIsDeepThenEveryFrameIsInTheDump() {
		assertThat(deep(20)).contains("deep(ThreadDumpTests.java").satisfies((dump) -> {
			String mine = dump.substring(dump.indexOf("\"" + Thread.currentThread().getName() + "\""));
			mine = mine.substring(0, mine.indexOf("\n\n"));
			assertThat(mine.split("ThreadDumpTests.deep\\(", -1)).hasSizeGreaterThan(20);
		});
	}

	private static String deep(int depth) {
		return (depth == 0) ? ThreadDump.ofAllThreads() : deep(depth - 1);
	}

}
