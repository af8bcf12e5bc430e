package dev.qtserver.autoconfigure;

import java.util.Locale;
import java.util.Map;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.QtServerFactory;
import dev.qtserver.core.ServerKind;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.unit.DataSize;

/**
 * Registers one server bean per entry of a {@code qtserver.<kind>} map, named
 * {@code <name><Suffix>} ({@code echoTcpServer}, {@code chatWebSocketServer}), made by
 * the kind's {@link QtServerFactory} bean. A bean of that name defined by the application
 * replaces ours. Settings are mapped and checked while registering, so a bad value fails
 * startup, naming its property, before any bean is created. A server kind subclasses this
 * with its types; it adds a descriptor, not a copy.
 *
 * @param <P> the properties type of one server
 * @param <X> the settings type of one server
 * @param <S> the server type
 */
public abstract class QtServerBeanRegistrar<P extends ListenProperties, X, S extends QtServer>
		implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private final ServerKind kind;

	private final String beanNameSuffix;

	private final Class<P> propertiesType;

	private final Class<S> serverType;

	private final Class<? extends QtServerFactory<S, X, ?>> factoryType;

	private final SettingsMapper<P, X> settingsMapper;

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	/**
	 * Describe the servers of one kind.
	 * @param kind the kind; its id names the property map
	 * @param beanNameSuffix appended to the server name to make the bean name
	 * @param propertiesType the properties type of one server
	 * @param serverType the server type
	 * @param factoryType the type of the factory bean that makes the servers
	 * @param settingsMapper maps a server's name and properties to its settings
	 */
	protected QtServerBeanRegistrar(ServerKind kind, String beanNameSuffix, Class<P> propertiesType,
			Class<S> serverType, Class<? extends QtServerFactory<S, X, ?>> factoryType,
			SettingsMapper<P, X> settingsMapper) {
		this.kind = kind;
		this.beanNameSuffix = beanNameSuffix;
		this.propertiesType = propertiesType;
		this.serverType = serverType;
		this.factoryType = factoryType;
		this.settingsMapper = settingsMapper;
	}

	@Override
	public final void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public final void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public final void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		String prefix = "qtserver." + this.kind.id();
		Map<String, P> servers = Binder.get(required(this.environment))
			.bind(prefix, Bindable.mapOf(String.class, this.propertiesType))
			.orElse(Map.of());
		BeanFactory beans = required(this.beanFactory);
		servers.forEach((name, properties) -> {
			String beanName = name + this.beanNameSuffix;
			if (registry.containsBeanDefinition(beanName)) {
				return;
			}
			String serverPrefix = prefix + "." + name + ".";
			X settings = toSettings(serverPrefix, name, properties);
			RootBeanDefinition definition = new RootBeanDefinition(this.serverType);
			definition.setInstanceSupplier(() -> create(beans, serverPrefix, name, settings));
			definition.setResourceDescription("properties '" + prefix + "." + name + "'");
			registry.registerBeanDefinition(beanName, definition);
		});
	}

	private X toSettings(String prefix, String name, P properties) {
		try {
			return this.settingsMapper.toSettings(name, properties);
		}
		catch (InvalidSettingException ex) {
			throw invalidProperty(prefix, ex);
		}
	}

	/**
	 * Create a server; what can only be checked then (its SSL bundles exist) fails naming
	 * its property too.
	 */
	private S create(BeanFactory beans, String prefix, String name, X settings) {
		try {
			return beans.getBean(this.factoryType).create(name, settings);
		}
		catch (InvalidSettingException ex) {
			throw invalidProperty(prefix, ex);
		}
	}

	/** The settings checked the rule; name the property behind it. */
	private static InvalidConfigurationPropertyValueException invalidProperty(String prefix,
			InvalidSettingException ex) {
		String property = prefix + ex.getSetting().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		return new InvalidConfigurationPropertyValueException(property, ex.getValue(),
				"The value " + ex.getRule() + ".");
	}

	private static <T> T required(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("Registrar used before its environment and bean factory were set");
		}
		return value;
	}

	/**
	 * Convert a size property to a number of bytes that fits a Netty buffer.
	 * @param setting the setting's name, as the settings record spells it
	 * @param size the size
	 * @return the size in bytes
	 * @throws InvalidSettingException when it is not between 1 byte and 2 GB
	 */
	public static int toBytes(String setting, DataSize size) {
		long bytes = size.toBytes();
		InvalidSettingException.check(bytes > 0 && bytes <= Integer.MAX_VALUE, setting, size,
				"must be between 1B and 2GB");
		return (int) bytes;
	}

	/**
	 * Maps the properties of one server to its settings.
	 *
	 * @param <P> the properties type
	 * @param <X> the settings type
	 */
	@FunctionalInterface
	protected interface SettingsMapper<P, X> {

		/**
		 * Map the properties.
		 * @param name the server name
		 * @param properties its properties
		 * @return its settings
		 * @throws InvalidSettingException when a value is out of range
		 */
		X toSettings(String name, P properties);

	}

}
