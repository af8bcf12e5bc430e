package dev.qtserver.handler;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.handler.HandlerMethod.Argument;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The {@link OnConnect}, {@link OnMessage}, {@link OnDisconnect} and {@link OnError}
 * methods of a handler bean, validated and placed once at startup (each on the event loop
 * or a worker, as {@link ExecutionPlacement} decides) and invoked per connection.
 *
 * @param <C> the connection type the server hands out, such as {@code QTcpSocket}
 */
public final class AnnotatedHandler<C> {

	private static final Set<Class<?>> PAYLOAD_TYPES = Set.of(String.class, byte[].class, ByteBuffer.class);

	private static final Set<Class<?>> REPLY_TYPES = Set.of(void.class, String.class, byte[].class, ByteBuffer.class);

	private final @Nullable HandlerMethod onConnect;

	private final @Nullable HandlerMethod onMessage;

	private final @Nullable HandlerMethod onDisconnect;

	private final @Nullable HandlerMethod onError;

	private AnnotatedHandler(@Nullable HandlerMethod onConnect, @Nullable HandlerMethod onMessage,
			@Nullable HandlerMethod onDisconnect, @Nullable HandlerMethod onError) {
		this.onConnect = onConnect;
		this.onMessage = onMessage;
		this.onDisconnect = onDisconnect;
		this.onError = onError;
	}

	/**
	 * Find and validate a bean's handler methods, placed by their signature
	 * ({@link HandlerExecution#AUTO}) unless annotated.
	 * @param <C> the connection type
	 * @param bean the handler bean
	 * @param beanName its name, for error messages
	 * @param connectionType the connection type the server hands out
	 * @return the handler
	 * @throws InvalidHandlerException when a method has a signature the server cannot
	 * call, an annotation is used twice, or there is no handler method at all
	 */
	public static <C> AnnotatedHandler<C> of(Object bean, String beanName, Class<C> connectionType) {
		return of(bean, beanName, connectionType, HandlerExecution.AUTO);
	}

	/**
	 * Find, validate and place a bean's handler methods.
	 * @param <C> the connection type
	 * @param bean the handler bean
	 * @param beanName its name, for error messages
	 * @param connectionType the connection type the server hands out
	 * @param rule where methods run unless they or their class say otherwise
	 * @return the handler
	 * @throws InvalidHandlerException when a method has a signature the server cannot
	 * call, an annotation is used twice, a method or the class is both {@link Blocking}
	 * and {@link NonBlocking}, or there is no handler method at all
	 */
	public static <C> AnnotatedHandler<C> of(Object bean, String beanName, Class<C> connectionType,
			HandlerExecution rule) {
		Validator validator = new Validator(bean, beanName, connectionType, rule);
		HandlerMethod onConnect = validator.lifecycleMethod(OnConnect.class);
		HandlerMethod onMessage = validator.messageMethod();
		HandlerMethod onDisconnect = validator.lifecycleMethod(OnDisconnect.class);
		HandlerMethod onError = validator.errorMethod();
		if (onConnect == null && onMessage == null && onDisconnect == null && onError == null) {
			throw new InvalidHandlerException(beanName,
					"Handler bean '" + beanName + "' (" + ClassUtils.getUserClass(bean).getName()
							+ ") has no @OnConnect, @OnMessage, @OnDisconnect or "
							+ "@OnError method and does not implement the server's connection handler interface");
		}
		return new AnnotatedHandler<>(onConnect, onMessage, onDisconnect, onError);
	}

	/**
	 * Return whether the method with an annotation runs on the connection's event loop.
	 * @param annotation {@link OnConnect}, {@link OnMessage}, {@link OnDisconnect} or
	 * {@link OnError}
	 * @return {@code true} for the event loop; {@code false} for a worker, or when the
	 * bean has no such method
	 */
	public boolean runsOnEventLoop(Class<? extends Annotation> annotation) {
		HandlerMethod method = method(annotation);
		return method != null && method.onEventLoop();
	}

	/**
	 * Describe the method with an annotation, as warnings name it.
	 * @param annotation {@link OnConnect}, {@link OnMessage}, {@link OnDisconnect} or
	 * {@link OnError}
	 * @return such as {@code Echo.echo(String)}; the annotation's name when the bean has
	 * no such method
	 */
	public String describe(Class<? extends Annotation> annotation) {
		HandlerMethod method = method(annotation);
		return (method != null) ? method.description() : "@" + annotation.getSimpleName();
	}

	private @Nullable HandlerMethod method(Class<? extends Annotation> annotation) {
		if (annotation == OnConnect.class) {
			return this.onConnect;
		}
		if (annotation == OnMessage.class) {
			return this.onMessage;
		}
		if (annotation == OnDisconnect.class) {
			return this.onDisconnect;
		}
		if (annotation == OnError.class) {
			return this.onError;
		}
		throw new IllegalArgumentException("Not a handler method annotation: " + annotation.getName());
	}

	/**
	 * Return the payload type the {@link OnMessage} method takes.
	 * @return {@code String}, {@code byte[]} or {@code ByteBuffer}; {@code null} without
	 * such a method
	 */
	public @Nullable Class<?> payloadType() {
		if (this.onMessage == null) {
			return null;
		}
		for (Class<?> type : this.onMessage.method().getParameterTypes()) {
			if (PAYLOAD_TYPES.contains(type)) {
				return type;
			}
		}
		return null;
	}

	/**
	 * Return whether the {@link OnError} method takes an error: it exists, and its error
	 * parameter (if it has one) accepts the error's type.
	 * @param error the error
	 * @return whether the bean handles the error
	 */
	public boolean handlesError(Throwable error) {
		if (this.onError == null) {
			return false;
		}
		for (Class<?> type : this.onError.method().getParameterTypes()) {
			if (Throwable.class.isAssignableFrom(type)) {
				return type.isInstance(error);
			}
		}
		return true;
	}

	/**
	 * Call the {@link OnConnect} method, if any.
	 * @param connection the connection
	 * @return what it returned: {@code null}, or a {@link Publisher} or
	 * {@link CompletionStage} to wait for
	 */
	public @Nullable Object connected(C connection) {
		return (this.onConnect != null) ? this.onConnect.invoke(connection, null, null) : null;
	}

	/**
	 * Call the {@link OnMessage} method, if any.
	 * @param connection the connection
	 * @param payload the payload, of {@link #payloadType()}
	 * @return the reply: a payload, a {@link Publisher} or {@link CompletionStage} of
	 * payloads, or {@code null}
	 */
	public @Nullable Object message(C connection, Object payload) {
		return (this.onMessage != null) ? this.onMessage.invoke(connection, payload, null) : null;
	}

	/**
	 * Call the {@link OnDisconnect} method, if any.
	 * @param connection the connection
	 * @return what it returned: {@code null}, or a {@link Publisher} or
	 * {@link CompletionStage} to wait for
	 */
	public @Nullable Object disconnected(C connection) {
		return (this.onDisconnect != null) ? this.onDisconnect.invoke(connection, null, null) : null;
	}

	/**
	 * Call the {@link OnError} method, if any.
	 * @param connection the connection
	 * @param error the error
	 * @return the reply, or {@code null}
	 */
	public @Nullable Object error(C connection, Throwable error) {
		return (this.onError != null) ? this.onError.invoke(connection, null, error) : null;
	}

	/** Checks a bean's annotated methods, one rule set per annotation. */
	private static final class Validator {

		private final Object bean;

		private final String beanName;

		private final Class<?> connectionType;

		private final HandlerExecution rule;

		Validator(Object bean, String beanName, Class<?> connectionType, HandlerExecution rule) {
			this.bean = bean;
			this.beanName = beanName;
			this.connectionType = connectionType;
			this.rule = rule;
		}

		@Nullable HandlerMethod lifecycleMethod(Class<? extends Annotation> annotation) {
			Method method = find(annotation);
			if (method == null) {
				return null;
			}
			requireReturn(method, annotation, returnsVoid(method),
					"return void, or a Publisher or CompletionStage of Void");
			return handlerMethod(method, arguments(method, annotation, false, false));
		}

		/** Whether a method returns nothing, now or once a completion signal comes. */
		private static boolean returnsVoid(Method method) {
			ResolvableType type = ResolvableType.forMethodReturnType(method);
			Class<?> raw = type.toClass();
			if (raw == void.class) {
				return true;
			}
			for (Class<?> async : List.of(Publisher.class, CompletionStage.class)) {
				if (async.isAssignableFrom(raw)) {
					return type.as(async).getGeneric(0).resolve() == Void.class;
				}
			}
			return false;
		}

		private HandlerMethod handlerMethod(Method method, Argument[] arguments) {
			return new HandlerMethod(this.bean, this.beanName, method, arguments,
					ExecutionPlacement.onEventLoop(method, this.bean, this.beanName, this.rule));
		}

		@Nullable HandlerMethod messageMethod() {
			Method method = find(OnMessage.class);
			if (method == null) {
				return null;
			}
			requireReply(method, OnMessage.class);
			Argument[] arguments = arguments(method, OnMessage.class, true, false);
			if (!java.util.Arrays.asList(arguments).contains(Argument.PAYLOAD)) {
				throw invalid(method, OnMessage.class, "takes no payload parameter (String, byte[] or ByteBuffer)");
			}
			return handlerMethod(method, arguments);
		}

		@Nullable HandlerMethod errorMethod() {
			Method method = find(OnError.class);
			if (method == null) {
				return null;
			}
			requireReply(method, OnError.class);
			return handlerMethod(method, arguments(method, OnError.class, false, true));
		}

		private @Nullable Method find(Class<? extends Annotation> annotation) {
			Map<Method, Boolean> found = MethodIntrospector.selectMethods(ClassUtils.getUserClass(this.bean),
					(MethodIntrospector.MetadataLookup<Boolean>) (
							method) -> AnnotatedElementUtils.hasAnnotation(method, annotation) ? Boolean.TRUE : null);
			if (found.size() > 1) {
				throw new InvalidHandlerException(this.beanName, "Handler bean '" + this.beanName + "' has "
						+ found.size() + " @" + annotation.getSimpleName() + " methods "
						+ found.keySet().stream().map(BeanMethodHandles::describe).sorted().toList() + "; keep one");
			}
			return found.isEmpty() ? null : found.keySet().iterator().next();
		}

		private Argument[] arguments(Method method, Class<? extends Annotation> annotation, boolean payload,
				boolean error) {
			Class<?>[] types = method.getParameterTypes();
			Argument[] arguments = new Argument[types.length];
			for (int i = 0; i < types.length; i++) {
				Class<?> type = types[i];
				if (type.isAssignableFrom(this.connectionType) && type != Object.class) {
					arguments[i] = Argument.CONNECTION;
				}
				else if (payload && PAYLOAD_TYPES.contains(type)) {
					arguments[i] = Argument.PAYLOAD;
				}
				else if (error && (type == Throwable.class || type == Exception.class)) {
					arguments[i] = Argument.ERROR;
				}
				else {
					throw invalid(method, annotation, "has a parameter of unsupported type " + type.getName()
							+ "; it may take " + expected(payload, error));
				}
			}
			for (Argument argument : Argument.values()) {
				if (java.util.Arrays.stream(arguments).filter((a) -> a == argument).count() > 1) {
					throw invalid(method, annotation, "takes more than one " + argument.name().toLowerCase()
							+ " parameter; it may take " + expected(payload, error));
				}
			}
			return arguments;
		}

		private String expected(boolean payload, boolean error) {
			String connection = "the connection (" + this.connectionType.getSimpleName() + ")";
			if (payload) {
				return "the payload (String, byte[] or ByteBuffer) and optionally " + connection;
			}
			if (error) {
				return connection + " and the error (Throwable or Exception)";
			}
			return "only " + connection;
		}

		private void requireReply(Method method, Class<? extends Annotation> annotation) {
			Class<?> type = method.getReturnType();
			requireReturn(method, annotation, REPLY_TYPES.contains(type) || ExecutionPlacement.isReactive(type),
					"return void, String, byte[], ByteBuffer, or a Publisher or CompletionStage of those");
		}

		private void requireReturn(Method method, Class<? extends Annotation> annotation, boolean valid, String rule) {
			if (!valid) {
				throw invalid(method, annotation, "returns " + method.getReturnType().getName() + "; it must " + rule);
			}
		}

		private InvalidHandlerException invalid(Method method, Class<? extends Annotation> annotation, String problem) {
			return new InvalidHandlerException(this.beanName, "@" + annotation.getSimpleName() + " method "
					+ BeanMethodHandles.describe(method) + " of handler bean '" + this.beanName + "' " + problem);
		}

	}

}
