package dev.qtserver.http;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.WorkerRunHistory;
import dev.qtserver.handler.BeanMethodHandles;
import dev.qtserver.handler.ExecutionPlacement;
import dev.qtserver.handler.InvalidHandlerException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.TypeDescriptor;

/**
 * One validated {@link Route @Route} method: its pattern, request methods, where it runs,
 * and how each parameter is filled.
 */
final class RouteMethod {

	private static final TypeDescriptor STRING = TypeDescriptor.valueOf(String.class);

	private static final @Nullable Object[] NO_ARGUMENTS = new Object[0];

	private final Method method;

	/** Calls the method with an array of its arguments: {@code (Object[])Object}. */
	private final MethodHandle invoker;

	private final String description;

	private final String handlerName;

	private final RoutePattern pattern;

	private final Set<String> methods;

	private final boolean onEventLoop;

	private final Argument[] arguments;

	private final RouteSupport support;

	/** Whether this route's calls on workers took long lately. */
	private final WorkerRunHistory workerRuns = new WorkerRunHistory();

	private RouteMethod(Object bean, String beanName, Method method, RoutePattern pattern, Set<String> methods,
			boolean onEventLoop, Argument[] arguments, RouteSupport support) {
		this.method = method;
		this.handlerName = BeanMethodHandles.describe(method);
		this.description = this.handlerName + " " + pattern;
		this.pattern = pattern;
		this.methods = methods;
		this.onEventLoop = onEventLoop;
		this.arguments = arguments;
		this.support = support;
		this.invoker = BeanMethodHandles.spreading(bean, beanName, method);
	}

	/**
	 * Validate a route method.
	 * @throws InvalidHandlerException naming the method when it cannot be called
	 */
	static RouteMethod of(Object bean, String beanName, Method declared, Route route, HandlerExecution execution,
			RouteSupport support) {
		Method method = AopUtils.selectInvocableMethod(declared, bean.getClass());
		String where = "@Route method " + BeanMethodHandles.describe(method) + " of handler bean '" + beanName + "' ";
		RoutePattern pattern;
		try {
			pattern = RoutePattern.parse(route.value());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidHandlerException(beanName,
					where + "has an invalid path '" + route.value() + "': " + ex.getMessage());
		}
		Set<String> methods = new TreeSet<>();
		for (String name : route.methods()) {
			methods.add(name.toUpperCase(Locale.ROOT));
		}
		if (methods.contains("GET")) {
			methods.add("HEAD");
		}
		Argument[] arguments = new Argument[method.getParameterCount()];
		for (int i = 0; i < arguments.length; i++) {
			arguments[i] = Argument.of(new MethodParameter(method, i), pattern, support, beanName, where);
		}
		if (support.json() == null && !writesText(method.getReturnType())) {
			throw new InvalidHandlerException(beanName, where + "returns " + method.getReturnType().getName()
					+ ", which is written as JSON; add Jackson (spring-boot-starter-json) or return String, byte[] or "
					+ "QHttpServerResponse");
		}
		boolean onEventLoop = ExecutionPlacement.onEventLoop(method, bean, beanName, execution);
		return new RouteMethod(bean, beanName, method, pattern, Set.copyOf(methods), onEventLoop, arguments, support);
	}

	/** A reactive or generic return type is checked when its value arrives. */
	private static boolean writesText(Class<?> type) {
		return type == void.class || type == String.class || type == byte[].class || type == QHttpServerResponse.class
				|| type == Object.class || Publisher.class.isAssignableFrom(type)
				|| CompletionStage.class.isAssignableFrom(type);
	}

	RoutePattern pattern() {
		return this.pattern;
	}

	boolean onEventLoop() {
		return this.onEventLoop;
	}

	WorkerRunHistory workerRuns() {
		return this.workerRuns;
	}

	/**
	 * Return the request methods the route takes.
	 * @return the methods, empty for all
	 */
	Set<String> methods() {
		return this.methods;
	}

	boolean takes(String requestMethod) {
		return this.methods.isEmpty() || this.methods.contains(requestMethod);
	}

	/**
	 * Return whether the method writes its own response through its responder.
	 * @return whether it returns {@code void} and takes a {@link QHttpServerResponder}
	 */
	boolean writesItself() {
		return this.method.getReturnType() == void.class
				&& Arrays.stream(this.arguments).anyMatch((argument) -> argument.source == Source.RESPONDER);
	}

	/**
	 * Convert the path variables for this method.
	 * @param variables the variables the pattern matched
	 * @return the converted values by parameter position, or {@code null} when one does
	 * not convert (the route does not match, as in Qt)
	 */
	@Nullable Object @Nullable [] convertPath(Map<String, String> variables) {
		if (this.arguments.length == 0) {
			return NO_ARGUMENTS;
		}
		@Nullable Object[] values = new @Nullable Object[this.arguments.length];
		for (int i = 0; i < this.arguments.length; i++) {
			Argument argument = this.arguments[i];
			if (argument.source == Source.PATH) {
				try {
					values[i] = convert(variables.get(argument.name), argument.type);
				}
				catch (ConversionException | IllegalArgumentException ex) {
					return null;
				}
				if (values[i] == null) {
					return null;
				}
			}
		}
		return values;
	}

	/**
	 * Call the method.
	 * @param values the converted path variables from {@link #convertPath(Map)}
	 * @return what it returned
	 * @throws BadRequestException when a parameter cannot be filled from the request
	 * @throws Throwable what the method threw
	 */
	@Nullable Object invoke(@Nullable Object[] values, QHttpServerRequest request, QHttpServerResponder responder)
			throws Throwable {
		for (int i = 0; i < this.arguments.length; i++) {
			Argument argument = this.arguments[i];
			values[i] = switch (argument.source) {
				case PATH -> values[i];
				case REQUEST -> request;
				case RESPONDER -> responder;
				case QUERY -> fromText(argument, queryParameter(request, argument.name), "query parameter");
				case HEADER -> fromText(argument, request.header(argument.name), "header");
				case BODY -> body(argument, request);
			};
		}
		return (Object) this.invoker.invokeExact(values);
	}

	/** A query the client escaped wrongly ({@code %zz}) is a bad request. */
	private static @Nullable String queryParameter(QHttpServerRequest request, String name) {
		try {
			return request.queryParameter(name);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException("Invalid query string", ex);
		}
	}

	private @Nullable Object fromText(Argument argument, @Nullable String text, String what) {
		if (text == null) {
			return null;
		}
		try {
			return convert(text, argument.type);
		}
		catch (ConversionException | IllegalArgumentException ex) {
			throw new BadRequestException("Invalid " + what + " '" + argument.name + "'", ex);
		}
	}

	private @Nullable Object convert(@Nullable String text, TypeDescriptor type) {
		return (type.getType() == String.class) ? text : this.support.conversions().convert(text, STRING, type);
	}

	private Object body(Argument argument, QHttpServerRequest request) {
		Class<?> type = argument.type.getType();
		if (type == byte[].class) {
			return request.body();
		}
		if (type == String.class) {
			return request.bodyAsString();
		}
		JsonCodec json = Objects.requireNonNull(this.support.json(), "checked at startup");
		try {
			return json.read(request.body(), argument.genericType);
		}
		catch (IllegalArgumentException ex) {
			throw new BadRequestException(String.valueOf(ex.getMessage()), ex);
		}
	}

	/** The method, as {@code Class.method(Parameters)}: how observations name it. */
	String handlerName() {
		return this.handlerName;
	}

	@Override
	public String toString() {
		return this.description;
	}

	private enum Source {

		REQUEST, RESPONDER, PATH, QUERY, HEADER, BODY

	}

	/** How one parameter is filled. */
	private static final class Argument {

		private final Source source;

		private final String name;

		private final TypeDescriptor type;

		private final java.lang.reflect.Type genericType;

		private Argument(Source source, String name, MethodParameter parameter) {
			this.source = source;
			this.name = name;
			this.type = new TypeDescriptor(parameter);
			this.genericType = parameter.getGenericParameterType();
		}

		static Argument of(MethodParameter parameter, RoutePattern pattern, RouteSupport support, String beanName,
				String where) {
			Class<?> type = parameter.getParameterType();
			Parameter reflected = parameter.getParameter();
			if (type == QHttpServerRequest.class) {
				return new Argument(Source.REQUEST, "", parameter);
			}
			if (type == QHttpServerResponder.class) {
				return new Argument(Source.RESPONDER, "", parameter);
			}
			PathVariable path = AnnotatedElementUtils.findMergedAnnotation(reflected, PathVariable.class);
			if (path != null) {
				String name = name(path.value(), reflected, beanName, where);
				if (!pattern.hasVariable(name)) {
					throw new InvalidHandlerException(beanName, where + "binds path variable '" + name
							+ "', but its path '" + pattern + "' has no such variable");
				}
				return new Argument(Source.PATH, name, parameter);
			}
			RequestParam query = AnnotatedElementUtils.findMergedAnnotation(reflected, RequestParam.class);
			if (query != null) {
				return nullable(new Argument(Source.QUERY, name(query.value(), reflected, beanName, where), parameter),
						beanName, where);
			}
			RequestHeader header = AnnotatedElementUtils.findMergedAnnotation(reflected, RequestHeader.class);
			if (header != null) {
				return nullable(
						new Argument(Source.HEADER, name(header.value(), reflected, beanName, where), parameter),
						beanName, where);
			}
			if (AnnotatedElementUtils.hasAnnotation(reflected, RequestBody.class)) {
				if (type != String.class && type != byte[].class && support.json() == null) {
					throw new InvalidHandlerException(beanName, where + "reads its body as " + type.getName()
							+ ", which needs JSON; add Jackson (spring-boot-starter-json) or take String or byte[]");
				}
				return new Argument(Source.BODY, "", parameter);
			}
			if (reflected.isNamePresent() && pattern.hasVariable(reflected.getName())) {
				return new Argument(Source.PATH, reflected.getName(), parameter);
			}
			throw new InvalidHandlerException(beanName,
					where + "has a parameter of type " + type.getName() + " that it does not say how to fill; "
							+ "annotate it @PathVariable, @RequestParam, @RequestHeader or @RequestBody, or take "
							+ "QHttpServerRequest or QHttpServerResponder");
		}

		private static Argument nullable(Argument argument, String beanName, String where) {
			if (argument.type.isPrimitive()) {
				throw new InvalidHandlerException(beanName, where + "binds '" + argument.name + "' to primitive type "
						+ argument.type.getType().getName() + ", which cannot be absent; use its wrapper type");
			}
			return argument;
		}

		private static String name(String declared, Parameter parameter, String beanName, String where) {
			if (!declared.isEmpty()) {
				return declared;
			}
			if (!parameter.isNamePresent()) {
				throw new InvalidHandlerException(beanName, where + "does not name the value of parameter "
						+ parameter.getName() + "; give the annotation a name or compile with -parameters");
			}
			return parameter.getName();
		}

	}

}
