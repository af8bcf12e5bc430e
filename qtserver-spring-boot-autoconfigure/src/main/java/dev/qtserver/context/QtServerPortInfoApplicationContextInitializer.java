package dev.qtserver.context;

import java.util.HashMap;
import java.util.Map;

import dev.qtserver.event.ServerListeningEvent;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Puts the port each server listens on into the {@link Environment} as
 * {@code local.qtserver.<kind>.<name>.port}, as Boot does with {@code local.server.port},
 * so tests of servers on port 0 can find them
 * ({@code @Value("${local.qtserver.tcp.echo.port}")}). That is the first listener's port;
 * every listener's port is also published as
 * {@code local.qtserver.<kind>.<name>.listeners[<index>].port}.
 */
public class QtServerPortInfoApplicationContextInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final String PROPERTY_SOURCE_NAME = "server.ports";

	@Override
	public void initialize(ConfigurableApplicationContext applicationContext) {
		applicationContext.addApplicationListener(new Listener(applicationContext));
	}

	private record Listener(
			ConfigurableApplicationContext context) implements ApplicationListener<ServerListeningEvent> {

		@Override
		public void onApplicationEvent(ServerListeningEvent event) {
			String server = "local.qtserver." + event.getServer().kind().id() + "." + event.getServerName();
			int index = event.getListenerIndex();
			for (ApplicationContext current = this.context; current != null; current = current.getParent()) {
				if (current instanceof ConfigurableApplicationContext configurable) {
					ConfigurableEnvironment environment = configurable.getEnvironment();
					setPort(environment, server + ".listeners[" + index + "].port", event.getPort());
					if (index == 0) {
						setPort(environment, server + ".port", event.getPort());
					}
				}
			}
		}

		@SuppressWarnings("unchecked")
		private static void setPort(ConfigurableEnvironment environment, String property, int port) {
			MutablePropertySources sources = environment.getPropertySources();
			PropertySource<?> source = sources.get(PROPERTY_SOURCE_NAME);
			if (source == null) {
				source = new MapPropertySource(PROPERTY_SOURCE_NAME, new HashMap<>());
				sources.addFirst(source);
			}
			((Map<String, Object>) source.getSource()).put(property, port);
		}

	}

}
