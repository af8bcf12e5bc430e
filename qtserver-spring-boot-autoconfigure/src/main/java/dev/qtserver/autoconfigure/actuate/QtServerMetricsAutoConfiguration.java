package dev.qtserver.autoconfigure.actuate;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.actuate.WorkerPoolMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.http.HttpRequestObservations;
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
 * every {@link MeterRegistry}. The HTTP request timer is the binder's only while requests
 * are not observed; once they are ({@code QtServerObservationAutoConfiguration}), the
 * observation makes it.
 */
@AutoConfiguration(
		after = { QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
public final class QtServerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QtServerMeterBinder qtServerMeterBinder(ObjectProvider<QtServer> servers,
			ObjectProvider<HttpRequestObservations> requestObservations) {
		// observed requests are timed by Boot's meter observation handler under the same
		// name and tags: timing them here too would make a second timer
		boolean timedByObservations = requestObservations.getIfAvailable() != null;
		return new QtServerMeterBinder(() -> servers.orderedStream().toList(), !timedByObservations);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(WorkerPool.class)
	WorkerPoolMeterBinder qtServerWorkerPoolMeterBinder(WorkerPool workers) {
		return new WorkerPoolMeterBinder(workers);
	}

}
