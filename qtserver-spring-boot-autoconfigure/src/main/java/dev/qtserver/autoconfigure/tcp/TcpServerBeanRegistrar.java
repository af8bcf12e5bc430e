package dev.qtserver.autoconfigure.tcp;

import java.util.Map;

import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpServerFactory;
import dev.qtserver.tcp.TcpServerSettings;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link QTcpServer} bean per entry under {@code qtserver.tcp}, named
 * {@code <name>TcpServer}. A bean of that name defined by the application replaces ours.
 */
class TcpServerBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private static final Bindable<Map<String, TcpServerProperties>> SERVERS = Bindable.mapOf(String.class,
			TcpServerProperties.class);

	private Environment environment;

	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, TcpServerProperties> servers = Binder.get(this.environment)
			.bind("qtserver.tcp", SERVERS)
			.orElse(Map.of());
		servers.forEach((name, properties) -> {
			String beanName = name + "TcpServer";
			if (registry.containsBeanDefinition(beanName)) {
				return;
			}
			TcpServerSettings settings = TcpServerSettingsMapper.toSettings(name, properties);
			RootBeanDefinition definition = new RootBeanDefinition(QTcpServer.class);
			definition.setInstanceSupplier(() -> createServer(name, settings));
			registry.registerBeanDefinition(beanName, definition);
		});
	}

	private QTcpServer createServer(String name, TcpServerSettings settings) {
		return this.beanFactory.getBean(QTcpServerFactory.class).create(name, settings);
	}

}
