package dev.qtserver.autoconfigure.actuate;

import dev.qtserver.actuate.QtServersEndpoint;
import dev.qtserver.actuate.QtServersEndpointWebExtension;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.QtServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code qtservers} actuator endpoint when the actuator is on the classpath; as for
 * Boot's own endpoints, it exists only once exposed
 * ({@code management.endpoints.web.exposure.include=qtservers}).
 */
@AutoConfiguration(after = { QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
		WebSocketServerAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
public final class QtServersEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	QtServersEndpoint qtServersEndpoint(ObjectProvider<QtServer> servers) {
		return new QtServersEndpoint(() -> servers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(QtServersEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	QtServersEndpointWebExtension qtServersEndpointWebExtension(QtServersEndpoint endpoint) {
		return new QtServersEndpointWebExtension(endpoint);
	}

}
