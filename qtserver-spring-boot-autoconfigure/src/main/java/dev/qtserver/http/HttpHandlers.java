package dev.qtserver.http;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.WorkerRunHistory;
import dev.qtserver.handler.ExecutionPlacement;
import dev.qtserver.handler.InvalidHandlerException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The handlers bound to an HTTP server, immutable: what is asked for each request, in
 * order (the routes of each bean, most specific first, then its
 * {@link HttpRequestHandler}), the {@link MissingHandler} and the
 * {@link AfterRequestHandler}s.
 *
 * @param askers asked in order until one takes the request
 * @param missing answers requests nobody took, or {@code null} for the default 404
 * @param after see every response, in order
 * @param verifiers decide WebSocket upgrades, in order
 * @param exactPaths by raw request path, the route asked first about it, for the paths of
 * routes without variables that no handler or route before them might take
 */
record HttpHandlers(List<Asker> askers, @Nullable Placed<MissingHandler> missing,
		List<Placed<AfterRequestHandler>> after, List<Placed<WebSocketUpgradeVerifier>> verifiers,
		Map<String, RouteMethod> exactPaths) {

	static final HttpHandlers NONE = new HttpHandlers(List.of(), null, List.of(), List.of(), Map.of());

	/**
	 * Return these handlers and those of one more bean, asked after them.
	 * @throws InvalidHandlerException when the bean is not an HTTP handler or a second
	 * missing handler
	 */
	HttpHandlers with(Object bean, String beanName, HandlerExecution execution, RouteSupport support) {
		List<Asker> askers = new ArrayList<>(this.askers);
		List<RouteMethod> routes = routes(bean, beanName, execution, support);
		routes.forEach((route) -> askers.add(new RouteAsker(route)));
		if (bean instanceof HttpRequestHandler handler) {
			askers.add(new HandlerAsker(handler, placement(bean, beanName, execution, HttpRequestHandler.class),
					name(bean)));
		}
		Placed<MissingHandler> missing = this.missing;
		if (bean instanceof MissingHandler handler) {
			if (missing != null) {
				throw new InvalidHandlerException(beanName,
						"Handler bean '" + beanName + "' is a second MissingHandler of its server; keep one");
			}
			missing = new Placed<>(handler, placement(bean, beanName, execution, MissingHandler.class), name(bean));
		}
		List<Placed<AfterRequestHandler>> after = new ArrayList<>(this.after);
		if (bean instanceof AfterRequestHandler handler) {
			after.add(
					new Placed<>(handler, placement(bean, beanName, execution, AfterRequestHandler.class), name(bean)));
		}
		List<Placed<WebSocketUpgradeVerifier>> verifiers = new ArrayList<>(this.verifiers);
		if (bean instanceof WebSocketUpgradeVerifier verifier) {
			verifiers.add(new Placed<>(verifier, placement(bean, beanName, execution, WebSocketUpgradeVerifier.class),
					name(bean)));
		}
		if (!handlesRequests(bean)) {
			throw new InvalidHandlerException(beanName,
					"Handler bean '" + beanName + "' (" + ClassUtils.getUserClass(bean).getName()
							+ ") is bound to an HTTP server but has no @Route method and implements none of "
							+ "HttpRequestHandler, MissingHandler, AfterRequestHandler and WebSocketUpgradeVerifier");
		}
		return new HttpHandlers(List.copyOf(askers), missing, List.copyOf(after), List.copyOf(verifiers),
				exactPaths(askers));
	}

	/**
	 * Find the routes a request reaches without any other being asked: a route without
	 * variables, whose path no handler and no route before it might take. A request for
	 * that path, as sent, goes to it without being split and matched against the routes
	 * in between; any other request walks the handlers.
	 */
	private static Map<String, RouteMethod> exactPaths(List<Asker> askers) {
		Map<String, RouteMethod> exact = new HashMap<>();
		for (int i = 0; i < askers.size(); i++) {
			if (askers.get(i) instanceof RouteAsker candidate && candidate.route().pattern().isExactPath()) {
				String path = candidate.route().pattern().toString();
				if (!exact.containsKey(path) && isFirstFor(path, askers.subList(0, i))) {
					exact.put(path, candidate.route());
				}
			}
		}
		return Map.copyOf(exact);
	}

	private static boolean isFirstFor(String path, List<Asker> before) {
		String[] segments = RoutePattern.decodedSegments(path);
		for (Asker asker : before) {
			if (!(asker instanceof RouteAsker route) || route.route().pattern().match(segments) != null) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return whether a bean takes part in answering requests: it has a {@link Route}
	 * method or implements one of the handler interfaces.
	 * @param bean the bean
	 * @return whether it handles requests
	 */
	static boolean handlesRequests(Object bean) {
		return bean instanceof HttpRequestHandler || bean instanceof MissingHandler
				|| bean instanceof AfterRequestHandler || bean instanceof WebSocketUpgradeVerifier
				|| !MethodIntrospector
					.selectMethods(ClassUtils.getUserClass(bean),
							(MethodIntrospector.MetadataLookup<Route>) (method) -> AnnotatedElementUtils
								.findMergedAnnotation(method, Route.class))
					.isEmpty();
	}

	private static List<RouteMethod> routes(Object bean, String beanName, HandlerExecution execution,
			RouteSupport support) {
		Map<Method, Route> found = MethodIntrospector.selectMethods(ClassUtils.getUserClass(bean),
				(MethodIntrospector.MetadataLookup<Route>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, Route.class));
		List<RouteMethod> routes = new ArrayList<>();
		found.forEach((method, route) -> routes.add(RouteMethod.of(bean, beanName, method, route, execution, support)));
		Comparator<RouteMethod> specificFirst = (a, b) -> a.pattern().compareSpecificity(b.pattern());
		routes.sort(specificFirst.thenComparing(RouteMethod::toString));
		return routes;
	}

	/**
	 * What the blocked-thread check names, worked out once at binding, not per request.
	 */
	private static String name(Object bean) {
		return ClassUtils.getUserClass(bean).getSimpleName() + " (HTTP handler)";
	}

	/** Place the bean's implementation of a handler interface's one method. */
	private static boolean placement(Object bean, String beanName, HandlerExecution execution, Class<?> contract) {
		Method declared = contract.getMethods()[0];
		Method method = ReflectionUtils.findMethod(ClassUtils.getUserClass(bean), declared.getName(),
				declared.getParameterTypes());
		return ExecutionPlacement.onEventLoop((method != null) ? method : declared, bean, beanName, execution);
	}

	/** Something asked whether it takes a request. */
	sealed interface Asker permits RouteAsker, HandlerAsker {

	}

	/** A route: matched on the event loop, called where it is placed. */
	record RouteAsker(RouteMethod route) implements Asker {

	}

	/**
	 * An {@link HttpRequestHandler}: asked where it is placed.
	 *
	 * @param workerRuns whether its calls on workers took long lately
	 */
	record HandlerAsker(HttpRequestHandler handler, boolean onEventLoop, String name,
			WorkerRunHistory workerRuns) implements Asker {

		HandlerAsker(HttpRequestHandler handler, boolean onEventLoop, String name) {
			this(handler, onEventLoop, name, new WorkerRunHistory());
		}

	}

	/**
	 * A handler and where it runs.
	 *
	 * @param <H> the handler type
	 * @param handler the handler
	 * @param onEventLoop whether it runs on the event loop
	 * @param name how the blocked-thread check names it
	 */
	record Placed<H>(H handler, boolean onEventLoop, String name) {

	}

}
