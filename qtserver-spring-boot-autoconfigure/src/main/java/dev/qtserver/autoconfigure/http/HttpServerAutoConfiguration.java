package dev.qtserver.autoconfigure.http;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.http.JacksonJsonCodec;
import dev.qtserver.http.JsonCodec;
import dev.qtserver.http.QHttpServerFactory;
import dev.qtserver.http.RouteSupport;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the HTTP servers declared under {@code qtserver.http.<name>}: one
 * {@link dev.qtserver.http.QHttpServer} bean each, with JSON route bodies on the
 * application's Jackson {@code JsonMapper} when there is one.
 */
@AutoConfiguration(after = { QtServerAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(HttpServer.class)
@EnableConfigurationProperties(HttpServersProperties.class)
@Import(HttpServerBeanRegistrar.class)
public final class HttpServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RouteSupport qtHttpRouteSupport(ObjectProvider<JsonCodec> json) {
		return new RouteSupport(ApplicationConversionService.getSharedInstance(), json.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	QHttpServerFactory qHttpServerFactory(ApplicationEventPublisher eventPublisher, WorkerPool workerPool,
			ObjectProvider<QtServerCustomizer<HttpServer>> customizers, RouteSupport routeSupport,
			ObjectProvider<SslBundles> sslBundles) {
		return new QHttpServerFactory(eventPublisher, workerPool.executor(), customizers.orderedStream().toList(),
				routeSupport, sslBundles.getIfAvailable());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonJsonCodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(JsonMapper.class)
		JsonCodec qtHttpJsonCodec(JsonMapper jsonMapper) {
			return new JacksonJsonCodec(jsonMapper);
		}

	}

}
