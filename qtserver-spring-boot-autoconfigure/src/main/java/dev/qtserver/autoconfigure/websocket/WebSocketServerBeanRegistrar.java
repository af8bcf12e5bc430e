package dev.qtserver.autoconfigure.websocket;

import java.util.Objects;

import dev.qtserver.autoconfigure.NamedServerBeans;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.QWebSocketServerFactory;
import dev.qtserver.websocket.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link QWebSocketServer} bean per entry under {@code qtserver.websocket},
 * named {@code <name>WebSocketServer}. A bean of that name defined by the application
 * replaces ours.
 */
class WebSocketServerBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		// Spring calls the Aware setters before this method
		Environment environment = Objects.requireNonNull(this.environment, "setEnvironment was not called");
		BeanFactory beanFactory = Objects.requireNonNull(this.beanFactory, "setBeanFactory was not called");
		new NamedServerBeans<>("qtserver.websocket", WebSocketServerProperties.class, "WebSocketServer",
				QWebSocketServer.class, (name, properties) -> {
					WebSocketServerSettings settings = WebSocketServerSettingsMapper.toSettings(name, properties);
					return () -> beanFactory.getBean(QWebSocketServerFactory.class).create(name, settings);
				})
			.register(environment, registry);
	}

}
