package dev.qtserver.autoconfigure.websocket;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.websocket.QWebSocketServerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import reactor.netty.tcp.TcpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the WebSocket servers declared under
 * {@code qtserver.websocket.<name>}: one {@link dev.qtserver.websocket.QWebSocketServer}
 * bean each.
 */
@AutoConfiguration(after = { QtServerAutoConfiguration.class, SslAutoConfiguration.class })
@ConditionalOnClass({ TcpServer.class, WebSocketServerHandshaker.class })
@EnableConfigurationProperties(WebSocketServersProperties.class)
@Import(WebSocketServerBeanRegistrar.class)
public final class WebSocketServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QWebSocketServerFactory qWebSocketServerFactory(ApplicationEventPublisher eventPublisher, WorkerPool workerPool,
			ObjectProvider<QtServerCustomizer<TcpServer>> customizers, ObjectProvider<SslBundles> sslBundles) {
		return new QWebSocketServerFactory(eventPublisher, workerPool.executor(), customizers.orderedStream().toList(),
				sslBundles.getIfAvailable());
	}

}
