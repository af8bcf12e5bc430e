package dev.qtserver.autoconfigure.tcp;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.tcp.QTcpServerFactory;
import reactor.netty.tcp.TcpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the TCP servers declared under {@code qtserver.tcp.<name>}: one
 * {@link dev.qtserver.tcp.QTcpServer} bean each.
 */
@AutoConfiguration(after = { QtServerAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass(TcpServer.class)
@EnableConfigurationProperties(TcpServersProperties.class)
@Import(TcpServerBeanRegistrar.class)
public final class TcpServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QTcpServerFactory qTcpServerFactory(ApplicationEventPublisher eventPublisher, WorkerPool workerPool,
			ObjectProvider<QtServerCustomizer<TcpServer>> customizers, ObjectProvider<SslBundles> sslBundles) {
		return new QTcpServerFactory(eventPublisher, workerPool.executor(), customizers.orderedStream().toList(),
				sslBundles.getIfAvailable());
	}

}
