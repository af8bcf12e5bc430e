package dev.qtserver.http;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limit's count per client and second, on a clock the test moves.
 */
class ClientRateLimiterTests {

	private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 10, 100 })
	void whenAClientMakesOneRequestMoreThanTheLimitWithinASecondThenOnlyThatOneIsRefused(int limit) throws Exception {
		ClientRateLimiter limiter = new ClientRateLimiter(limit, this.nanos::get);
		InetAddress client = InetAddress.getByName("10.0.0.1");
		for (int i = 0; i < limit; i++) {
			assertThat(limiter.tryAcquire(client)).as("request %d", i + 1).isTrue();
			this.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999) / limit);
		}
		assertThat(limiter.tryAcquire(client)).isFalse();
		assertThat(limiter.tryAcquire(client)).as("still the same second").isFalse();
		assertThat(limiter.tryAcquire(InetAddress.getByName("10.0.0.2"))).as("another client").isTrue();
		this.nanos.set(TimeUnit.SECONDS.toNanos(1001));
		for (int i = 0; i < limit; i++) {
			assertThat(limiter.tryAcquire(client)).as("next second, request %d", i + 1).isTrue();
		}
		assertThat(limiter.tryAcquire(client)).isFalse();
	}

	@Test
	void whenTheSecondChangesThenEveryClientStartsAgain() {
		ClientRateLimiter limiter = new ClientRateLimiter(1, this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			assertThat(limiter.tryAcquire("client " + i)).isTrue();
			assertThat(limiter.tryAcquire("client " + i)).isFalse();
		}
		this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
		for (int i = 0; i < 1000; i++) {
			assertThat(limiter.tryAcquire("client " + i)).isTrue();
		}
	}

	@Test
	void whenAReaderOfAnOlderSecondComesLateThenItCountsInTheNewerSecond() {
		long second = TimeUnit.SECONDS.toNanos(1);
		// readings: the constructor's, then second 1001, then a thread that read the
		// clock
		// just before the second changed (1000), then 1001 again
		Queue<Long> readings = new ArrayDeque<>(List.of(1000 * second, 1001 * second, 1000 * second, 1001 * second));
		ClientRateLimiter limiter = new ClientRateLimiter(1, readings::remove);
		assertThat(limiter.tryAcquire("a")).isTrue();
		assertThat(limiter.tryAcquire("a")).as("the late reader is not given a fresh count").isFalse();
		assertThat(limiter.tryAcquire("a")).as("second 1001 was not set back").isFalse();
	}

}
