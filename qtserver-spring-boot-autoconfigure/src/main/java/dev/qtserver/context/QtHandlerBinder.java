package dev.qtserver.context;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import dev.qtserver.core.QtServer;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.QtHandler;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Binds every {@link QtHandler @QtHandler} bean to its server once all singletons exist,
 * so that a wrong handler fails the application at startup, before any server listens.
 */
public final class QtHandlerBinder implements SmartInitializingSingleton {

	private final ListableBeanFactory beanFactory;

	/**
	 * Create a binder.
	 * @param beanFactory where the servers and handler beans are
	 */
	public QtHandlerBinder(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, QtServer> servers = new HashMap<>();
		Map<String, QtServer> ambiguous = new HashMap<>();
		for (QtServer server : this.beanFactory.getBeansOfType(QtServer.class).values()) {
			QtServer other = servers.putIfAbsent(server.name(), server);
			if (other != null) {
				ambiguous.put(server.name(), server);
			}
		}
		Map<String, String> boundHandlers = new HashMap<>();
		for (String handlerName : this.beanFactory.getBeanNamesForAnnotation(QtHandler.class)) {
			QtHandler binding = this.beanFactory.findAnnotationOnBean(handlerName, QtHandler.class);
			if (binding == null) {
				continue;
			}
			if (ambiguous.containsKey(binding.server())) {
				throw new InvalidHandlerException(handlerName,
						"Handler bean '" + handlerName + "' is bound to server '" + binding.server()
								+ "', but servers of several kinds have that name; give them distinct names");
			}
			QtServer server = servers.get(binding.server());
			if (server == null) {
				throw new InvalidHandlerException(handlerName,
						"Handler bean '" + handlerName + "' is bound to server '" + binding.server()
								+ "', but there is no server of that name; " + "servers: "
								+ new TreeSet<>(servers.keySet()));
			}
			String previous = boundHandlers.putIfAbsent(server.name(), handlerName);
			if (previous != null) {
				throw new InvalidHandlerException(handlerName, "Server '" + server.name() + "' has two handler beans, '"
						+ previous + "' and '" + handlerName + "'; a server takes one handler");
			}
			server.bindHandler(this.beanFactory.getBean(handlerName), handlerName);
		}
	}

}
