package dev.qtserver.context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.QtServer;
import dev.qtserver.handler.InvalidHandlerException;
import dev.qtserver.handler.QtHandler;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * Binds every {@link QtHandler @QtHandler} bean to its server once all singletons exist,
 * so that a wrong handler fails the application at startup, before any server listens. A
 * server that takes several handlers (HTTP) gets them in {@code @Order} / {@code Ordered}
 * order.
 */
public final class QtHandlerBinder implements SmartInitializingSingleton {

	private final ListableBeanFactory beanFactory;

	private final HandlerExecution execution;

	/**
	 * Create a binder that places handler methods by their signature.
	 * @param beanFactory where the servers and handler beans are
	 */
	public QtHandlerBinder(ListableBeanFactory beanFactory) {
		this(beanFactory, HandlerExecution.AUTO);
	}

	/**
	 * Create a binder.
	 * @param beanFactory where the servers and handler beans are
	 * @param execution where handler methods run unless they say otherwise
	 */
	public QtHandlerBinder(ListableBeanFactory beanFactory, HandlerExecution execution) {
		this.beanFactory = beanFactory;
		this.execution = execution;
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
		Map<QtServer, List<NamedHandler>> handlers = new LinkedHashMap<>();
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
			List<NamedHandler> bound = handlers.computeIfAbsent(server, (key) -> new ArrayList<>());
			if (!bound.isEmpty() && !server.takesSeveralHandlers()) {
				throw new InvalidHandlerException(handlerName, "Server '" + server.name() + "' has two handler beans, '"
						+ bound.get(0).name() + "' and '" + handlerName + "'; a server takes one handler");
			}
			bound.add(new NamedHandler(handlerName, this.beanFactory.getBean(handlerName)));
		}
		handlers.forEach((server, bound) -> {
			bound.sort((a, b) -> AnnotationAwareOrderComparator.INSTANCE.compare(a.bean(), b.bean()));
			bound.forEach((handler) -> server.bindHandler(handler.bean(), handler.name(), this.execution));
		});
	}

	private record NamedHandler(String name, Object bean) {
	}

}
