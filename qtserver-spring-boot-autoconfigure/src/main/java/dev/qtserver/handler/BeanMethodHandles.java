package dev.qtserver.handler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.util.ReflectionUtils;

/**
 * Method handles that call a handler bean's method, for the starter's handler and route
 * invokers. A handle is made once per method and called once per message or request:
 * unlike {@link Method#invoke}, it needs no argument array when its shape is fixed and no
 * {@code InvocationTargetException} around what the method throws, and its call site is
 * not shared by every handler method of the application (the one inside
 * {@code Method.invoke} is, which keeps the JIT from inlining through it).
 */
public final class BeanMethodHandles {

	private BeanMethodHandles() {
	}

	/**
	 * Return a handle that calls a method on a bean, typed {@code (P1 ... Pn)Object}: the
	 * method's parameter types, its result boxed ({@code null} for {@code void}).
	 * @param bean the bean (its proxy, if it has one); unused for a static method
	 * @param beanName the bean's name, for the exception
	 * @param method the method to call on it, invocable on the bean's class
	 * @return the handle
	 * @throws InvalidHandlerException naming the bean when the method cannot be accessed
	 * (a method of a package its module neither exports nor opens)
	 */
	public static MethodHandle bound(Object bean, String beanName, Method method) {
		MethodHandle target;
		try {
			ReflectionUtils.makeAccessible(method);
			target = MethodHandles.lookup().unreflect(method);
		}
		catch (IllegalAccessException | RuntimeException ex) {
			throw new InvalidHandlerException(beanName,
					"Handler bean '" + beanName + "': cannot call " + describe(method) + " (" + ex.getMessage() + ")",
					ex);
		}
		// a static method has no receiver: the bean is not an argument of it
		MethodHandle bound = Modifier.isStatic(method.getModifiers()) ? target : target.bindTo(bean);
		// asType (and bindTo) give a handle of fixed arity: a varargs method (byte...
		// payload) takes its array as it comes
		return bound.asType(bound.type().changeReturnType(Object.class));
	}

	/**
	 * Describe a method as the starter's messages name it, such as
	 * {@code Echo.echo(String)}.
	 * @param method the method
	 * @return its class's simple name, its name and its parameters' simple type names
	 */
	public static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * Return a handle typed {@code (Object[])Object} that spreads its array into the
	 * method's parameters, casting (and unboxing) each value.
	 * @param bean the bean
	 * @param beanName the bean's name, for the exception
	 * @param method the method
	 * @return the handle
	 * @see #bound(Object, String, Method)
	 */
	public static MethodHandle spreading(Object bean, String beanName, Method method) {
		return bound(bean, beanName, method).asSpreader(Object[].class, method.getParameterCount())
			.asType(MethodType.methodType(Object.class, Object[].class));
	}

}
