package dev.qtserver.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.qtserver.actuate.QtServerHealthIndicator;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.QtServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Health for Qt-style servers when Boot's health module is on the classpath: one
 * {@link QtServerHealthIndicator} per server, under a {@code qtservers} contributor
 * grouped by kind ({@code qtservers.tcp.echo}), switched by
 * {@code management.health.qtservers.enabled}.
 */
@AutoConfiguration(after = { QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
		WebSocketServerAutoConfiguration.class })
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(QtServer.class)
@ConditionalOnEnabledHealthIndicator("qtservers")
public final class QtServerHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "qtserversHealthIndicator", "qtserversHealthContributor" })
	HealthContributor qtserversHealthContributor(ObjectProvider<QtServer> servers) {
		Map<String, Map<String, HealthContributor>> byKind = new LinkedHashMap<>();
		servers.orderedStream()
			.forEach((server) -> byKind.computeIfAbsent(server.kind().id(), (kind) -> new LinkedHashMap<>())
				.put(server.name(), new QtServerHealthIndicator(server)));
		Map<String, HealthContributor> kinds = new LinkedHashMap<>();
		byKind.forEach((kind, indicators) -> kinds.put(kind, CompositeHealthContributor.fromMap(indicators)));
		return CompositeHealthContributor.fromMap(kinds);
	}

}
