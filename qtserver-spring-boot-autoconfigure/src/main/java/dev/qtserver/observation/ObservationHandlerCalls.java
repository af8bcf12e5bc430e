package dev.qtserver.observation;

import dev.qtserver.core.HandlerCall;
import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.core.QtServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Observes handler method calls with Micrometer Observation: each observed call is an
 * observation, current on its thread while the method runs, so a tracer makes it a span
 * (the child of the request's for a {@code @Route} method) and log lines carry its trace.
 * {@code @OnMessage} calls only when asked for: an observation with Spring Boot's default
 * handlers costs about as much as a small message's whole echo; {@code @Route} calls only
 * while their requests are observed, as children of them.
 */
public class ObservationHandlerCalls implements HandlerCallObserver {

	private static final HandlerCallObservationConvention DEFAULT_CONVENTION = new DefaultHandlerCallObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable HandlerCallObservationConvention convention;

	private final boolean messages;

	private final boolean routes;

	/**
	 * Create an observer.
	 * @param registry where observations go
	 * @param convention names and tags them, {@code null} for the
	 * {@link DefaultHandlerCallObservationConvention default}
	 * @param messages whether {@code @OnMessage} calls are observed
	 */
	public ObservationHandlerCalls(ObservationRegistry registry, @Nullable HandlerCallObservationConvention convention,
			boolean messages) {
		this(registry, convention, messages, true);
	}

	/**
	 * Create an observer.
	 * @param registry where observations go
	 * @param convention names and tags them, {@code null} for the
	 * {@link DefaultHandlerCallObservationConvention default}
	 * @param messages whether {@code @OnMessage} calls are observed
	 * @param routes whether {@code @Route} calls are observed
	 */
	public ObservationHandlerCalls(ObservationRegistry registry, @Nullable HandlerCallObservationConvention convention,
			boolean messages, boolean routes) {
		this.registry = registry;
		this.convention = convention;
		this.messages = messages;
		this.routes = routes;
	}

	@Override
	public boolean observes(HandlerCall call) {
		return switch (call) {
			case MESSAGE -> this.messages;
			case ROUTE -> this.routes;
			default -> true;
		};
	}

	@Override
	public ObservedCall callStarted(QtServer server, HandlerCall call, String handler) {
		HandlerCallObservationContext context = new HandlerCallObservationContext(server, call, handler);
		Observation observation = Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
		return new Call(observation, observation.openScope());
	}

	private record Call(Observation observation, Observation.Scope scope) implements ObservedCall {

		@Override
		public void failed(Throwable error) {
			this.observation.error(error);
		}

		@Override
		public void end() {
			this.scope.close();
			this.observation.stop();
		}

	}

}
