package dev.qtserver.handler;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import dev.qtserver.core.HandlerExecution;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Decides where a handler method runs: its own {@link Blocking @Blocking} or
 * {@link NonBlocking @NonBlocking} first, then its class's, then the application's
 * {@link HandlerExecution} rule, which by default goes by the method's return type.
 */
public final class ExecutionPlacement {

	private ExecutionPlacement() {
	}

	/**
	 * Return whether a handler method runs on the connection's event loop.
	 * @param method the handler method
	 * @param bean the handler bean (its user class is asked for annotations)
	 * @param beanName the bean's name, for error messages
	 * @param rule the application's rule
	 * @return {@code true} for the event loop, {@code false} for a worker
	 * @throws InvalidHandlerException when the method or its class is annotated both
	 * {@code @Blocking} and {@code @NonBlocking}
	 */
	public static boolean onEventLoop(Method method, Object bean, String beanName, HandlerExecution rule) {
		Boolean declared = declared(method, beanName, "Method " + BeanMethodHandles.describe(method));
		if (declared == null) {
			Class<?> type = ClassUtils.getUserClass(bean);
			declared = declared(type, beanName, "Class " + type.getName());
		}
		if (declared != null) {
			return declared;
		}
		return switch (rule) {
			case EVENT_LOOP -> true;
			case WORKER -> false;
			case AUTO -> isReactive(method.getReturnType());
		};
	}

	/**
	 * Return whether a return type is reactive: a {@code Publisher} (such as {@code Mono}
	 * or {@code Flux}) or a {@code CompletionStage}.
	 * @param returnType the return type
	 * @return whether the type is reactive
	 */
	public static boolean isReactive(Class<?> returnType) {
		return Publisher.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType);
	}

	private static @Nullable Boolean declared(AnnotatedElement element, String beanName, String what) {
		boolean blocking = AnnotatedElementUtils.hasAnnotation(element, Blocking.class);
		boolean nonBlocking = AnnotatedElementUtils.hasAnnotation(element, NonBlocking.class);
		if (blocking && nonBlocking) {
			throw new InvalidHandlerException(beanName, what + " of handler bean '" + beanName
					+ "' is annotated both @Blocking and @NonBlocking; keep one");
		}
		if (blocking) {
			return Boolean.FALSE;
		}
		return nonBlocking ? Boolean.TRUE : null;
	}

}
