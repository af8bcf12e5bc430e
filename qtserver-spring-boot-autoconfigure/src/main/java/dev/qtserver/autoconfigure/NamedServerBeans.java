package dev.qtserver.autoconfigure;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Registers one server bean per entry of a {@code qtserver.<kind>} map, named
 * {@code <name><Suffix>} ({@code echoTcpServer}, {@code chatWebSocketServer}). A bean of
 * that name defined by the application replaces ours. Settings are checked while
 * registering, so a bad value fails startup before any bean is created.
 *
 * @param <P> the properties type of one server
 * @param <T> the server type
 */
public final class NamedServerBeans<P, T> {

	private final String prefix;

	private final Class<P> propertiesType;

	private final String beanNameSuffix;

	private final Class<T> serverType;

	private final BiFunction<String, P, Supplier<T>> factory;

	/**
	 * Describe the servers of one kind.
	 * @param prefix the map's property prefix, such as {@code qtserver.tcp}
	 * @param propertiesType the properties type of one server
	 * @param beanNameSuffix appended to the server name to make the bean name
	 * @param serverType the server type
	 * @param factory maps a server's name and properties to a supplier of the server; it
	 * validates the properties when called
	 */
	public NamedServerBeans(String prefix, Class<P> propertiesType, String beanNameSuffix, Class<T> serverType,
			BiFunction<String, P, Supplier<T>> factory) {
		this.prefix = prefix;
		this.propertiesType = propertiesType;
		this.beanNameSuffix = beanNameSuffix;
		this.serverType = serverType;
		this.factory = factory;
	}

	/**
	 * Bind the properties and register a bean definition per server.
	 * @param environment where the properties are
	 * @param registry where the beans go
	 */
	public void register(Environment environment, BeanDefinitionRegistry registry) {
		Map<String, P> servers = Binder.get(environment)
			.bind(this.prefix, Bindable.mapOf(String.class, this.propertiesType))
			.orElse(Map.of());
		servers.forEach((name, properties) -> {
			String beanName = name + this.beanNameSuffix;
			if (registry.containsBeanDefinition(beanName)) {
				return;
			}
			RootBeanDefinition definition = new RootBeanDefinition(this.serverType);
			definition.setInstanceSupplier(this.factory.apply(name, properties));
			definition.setResourceDescription("properties '" + this.prefix + "." + name + "'");
			registry.registerBeanDefinition(beanName, definition);
		});
	}

}
