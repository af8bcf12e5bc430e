package dev.qtserver.handler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;

/**
 * One validated handler method, how to fill its parameters, and where it runs.
 */
final class HandlerMethod {

	/**
	 * What a parameter receives; declared in the order of the invoker's parameters
	 * ({@link #INVOKER_TYPE}).
	 */
	enum Argument {

		CONNECTION, PAYLOAD, ERROR

	}

	/**
	 * What every invoker's handle is typed: {@code (connection, payload, error)Object}.
	 */
	private static final MethodType INVOKER_TYPE = MethodType.methodType(Object.class, Object.class, Object.class,
			Throwable.class);

	private final Method method;

	/** Calls the method with what its parameters receive, typed {@link #INVOKER_TYPE}. */
	private final MethodHandle invoker;

	private final boolean onEventLoop;

	private final String description;

	HandlerMethod(Object bean, String beanName, Method method, Argument[] arguments, boolean onEventLoop) {
		this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
		this.invoker = invoker(BeanMethodHandles.bound(bean, beanName, this.method), arguments);
		this.onEventLoop = onEventLoop;
		this.description = BeanMethodHandles.describe(method);
	}

	/**
	 * Adapt a bound method handle to {@link #INVOKER_TYPE}: each parameter takes the
	 * value its {@link Argument} names (cast to the parameter's type), the others are
	 * dropped.
	 */
	private static MethodHandle invoker(MethodHandle bound, Argument[] arguments) {
		Class<?>[] types = new Class<?>[arguments.length];
		int[] reorder = new int[arguments.length];
		for (int i = 0; i < arguments.length; i++) {
			reorder[i] = arguments[i].ordinal();
			types[i] = INVOKER_TYPE.parameterType(reorder[i]);
		}
		MethodHandle generic = bound.asType(MethodType.methodType(Object.class, types));
		return MethodHandles.permuteArguments(generic, INVOKER_TYPE, reorder);
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
		try {
			return (Object) this.invoker.invokeExact(connection, payload, error);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new HandlerMethodException(this.description, ex);
		}
	}

}
