package dev.qtserver.autoconfigure;

import java.time.Duration;

import dev.qtserver.context.QtHandlerBinder;
import dev.qtserver.context.QtServersLifecycle;
import dev.qtserver.core.BlockedThreadChecker;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * What every kind of Qt-style server needs: the worker threads handler code runs on, the
 * binding of {@link dev.qtserver.handler.QtHandler @QtHandler} beans, the check for
 * handler calls that block an event loop, and the lifecycle that starts and stops servers
 * with the context.
 */
@AutoConfiguration
@EnableConfigurationProperties(QtServerProperties.class)
public final class QtServerAutoConfiguration {

	private static final String SHUTDOWN_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

	@Bean
	static QtHandlerBinder qtHandlerBinder(ListableBeanFactory beanFactory, QtServerProperties properties) {
		return new QtHandlerBinder(beanFactory, properties.getHandlers().getExecution());
	}

	@Bean
	@ConditionalOnMissingBean
	BlockedThreadChecker qtServerBlockedThreadChecker(QtServerProperties properties) {
		return BlockedThreadChecker.start(properties.getHandlers().getBlockedThreadWarning());
	}

	@Bean
	@ConditionalOnMissingBean
	QtServersLifecycle qtServersLifecycle(ObjectProvider<QtServer> servers, Environment environment) {
		Duration timeout = environment.getProperty(SHUTDOWN_TIMEOUT_PROPERTY, Duration.class, Duration.ofSeconds(30));
		return new QtServersLifecycle(servers, timeout);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	static class PlatformWorkersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkerPool qtServerWorkerPool(QtServerProperties properties) {
			QtServerProperties.Workers workers = properties.getWorkers();
			if (workers.getMaxThreads() < 1) {
				throw new InvalidConfigurationPropertyValueException("qtserver.workers.max-threads",
						workers.getMaxThreads(), "The value must be positive.");
			}
			return WorkerPool.platformThreads(workers.getMaxThreads(), workers.getThreadNamePrefix());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.VIRTUAL)
	static class VirtualWorkersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkerPool qtServerWorkerPool(QtServerProperties properties) {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(
					properties.getWorkers().getThreadNamePrefix());
			executor.setVirtualThreads(true);
			return WorkerPool.of(executor);
		}

	}

}
