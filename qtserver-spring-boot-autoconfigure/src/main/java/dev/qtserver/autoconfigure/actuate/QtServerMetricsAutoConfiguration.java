package dev.qtserver.autoconfigure.actuate;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.actuate.WorkerPoolMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Metrics for Qt-style servers when Micrometer is on the classpath: a
 * {@link QtServerMeterBinder} and a {@link WorkerPoolMeterBinder} that Boot applies to
 * every {@link MeterRegistry}.
 */
@AutoConfiguration(
		after = { QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public final class QtServerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QtServerMeterBinder qtServerMeterBinder(ObjectProvider<QtServer> servers) {
		return new QtServerMeterBinder(() -> servers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(WorkerPool.class)
	WorkerPoolMeterBinder qtServerWorkerPoolMeterBinder(WorkerPool workers) {
		return new WorkerPoolMeterBinder(workers);
	}

}
