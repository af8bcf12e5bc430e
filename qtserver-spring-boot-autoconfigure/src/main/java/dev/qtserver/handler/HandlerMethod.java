package dev.qtserver.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * One validated handler method, how to fill its parameters, and where it runs.
 */
final class HandlerMethod {

	/** What a parameter receives. */
	enum Argument {

		CONNECTION, PAYLOAD, ERROR

	}

	private final Object bean;

	private final Method method;

	private final Argument[] arguments;

	private final boolean onEventLoop;

	private final String description;

	HandlerMethod(Object bean, Method method, Argument[] arguments, boolean onEventLoop) {
		this.bean = bean;
		this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
		this.arguments = arguments;
		this.onEventLoop = onEventLoop;
		this.description = describe(method);
		ReflectionUtils.makeAccessible(this.method);
	}

	Method method() {
		return this.method;
	}

	/** Whether the method runs on the connection's event loop (else on a worker). */
	boolean onEventLoop() {
		return this.onEventLoop;
	}

	/** The method as messages name it, such as {@code Echo.echo(String)}. */
	String description() {
		return this.description;
	}

	/**
	 * Invoke the method; an exception it throws is rethrown as it is when unchecked,
	 * wrapped in a {@link HandlerMethodException} otherwise.
	 */
	@Nullable Object invoke(Object connection, @Nullable Object payload, @Nullable Throwable error) {
		@Nullable Object[] values = new @Nullable Object[this.arguments.length];
		for (int i = 0; i < values.length; i++) {
			values[i] = switch (this.arguments[i]) {
				case CONNECTION -> connection;
				case PAYLOAD -> payload;
				case ERROR -> error;
			};
		}
		try {
			return this.method.invoke(this.bean, values);
		}
		catch (InvocationTargetException ex) {
			// what the method threw: never null (`throw null` throws a
			// NullPointerException)
			Throwable cause = Objects.requireNonNull(ex.getCause(), "InvocationTargetException without a cause");
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error fatal) {
				throw fatal;
			}
			throw new HandlerMethodException(describe(this.method), cause);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot call " + describe(this.method), ex);
		}
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

}
