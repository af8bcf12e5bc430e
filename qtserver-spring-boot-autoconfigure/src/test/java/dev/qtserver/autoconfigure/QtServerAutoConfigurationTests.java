package dev.qtserver.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.qtserver.context.QtServersLifecycle;
import dev.qtserver.core.BlockedThreadChecker;
import dev.qtserver.core.WorkerPool;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link QtServerAutoConfiguration}.
 */
class QtServerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class));

	@Test
	void whenAutoConfiguredThenWorkersAndLifecycleExist() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(WorkerPool.class);
			assertThat(context).hasSingleBean(QtServersLifecycle.class);
			assertThat(context.getBean(QtServersLifecycle.class).getPhase()).isEqualTo(QtServersLifecycle.PHASE);
		});
	}

	@Test
	void whenAutoConfiguredThenTheBlockedThreadCheckWarnsAfterTwoSeconds() {
		this.runner.run((context) -> assertThat(context.getBean(BlockedThreadChecker.class).threshold())
			.isEqualTo(Duration.ofSeconds(2)));
	}

	@Test
	void whenTheBlockedThreadWarningIsSetThenTheCheckFollowsIt() {
		this.runner.withPropertyValues("qtserver.handlers.blocked-thread-warning=250ms")
			.run((context) -> assertThat(context.getBean(BlockedThreadChecker.class).threshold())
				.isEqualTo(Duration.ofMillis(250)));
	}

	@Test
	void whenTheBlockedThreadWarningIsZeroThenTheCheckIsOff() {
		this.runner.withPropertyValues("qtserver.handlers.blocked-thread-warning=0")
			.run((context) -> assertThat(context.getBean(BlockedThreadChecker.class).isActive()).isFalse());
	}

	@Test
	void whenWorkerPropertiesAreSetThenWorkerThreadsFollowThem() {
		this.runner.withPropertyValues("qtserver.workers.thread-name-prefix=handlers-").run((context) -> {
			String name = CompletableFuture
				.supplyAsync(() -> Thread.currentThread().getName(), context.getBean(WorkerPool.class).executor())
				.get(5, TimeUnit.SECONDS);
			assertThat(name).startsWith("handlers-");
		});
	}

	@Test
	void whenVirtualThreadsAreEnabledThenHandlersRunOnVirtualThreadsWhereTheJdkHasThem() {
		boolean jdkHasVirtualThreads = Runtime.version().feature() >= 21;
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			Thread thread = CompletableFuture
				.supplyAsync(Thread::currentThread, context.getBean(WorkerPool.class).executor())
				.get(5, TimeUnit.SECONDS);
			// Boot's threading condition falls back to platform threads on JDK 17
			assertThat(thread.toString().startsWith("VirtualThread")).isEqualTo(jdkHasVirtualThreads);
			assertThat(thread.getName()).startsWith("qtserver-worker-");
		});
	}

}
