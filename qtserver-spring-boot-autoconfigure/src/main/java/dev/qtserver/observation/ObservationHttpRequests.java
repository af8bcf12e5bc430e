package dev.qtserver.observation;

import dev.qtserver.http.CompletedRequest;
import dev.qtserver.http.HttpRequestObservations;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.QHttpServerRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;

/**
 * Observes HTTP requests with Micrometer Observation: one observation per request, from
 * the moment it is handed to the handlers until its response is written or the client
 * went away; a tracer makes it the request's server span, continuing an incoming trace.
 * With Spring Boot's meter observation handler the observation also makes the request
 * timer {@value DefaultHttpServerRequestObservationConvention#NAME}.
 */
public class ObservationHttpRequests implements HttpRequestObservations {

	private static final HttpServerRequestObservationConvention DEFAULT_CONVENTION = new DefaultHttpServerRequestObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable HttpServerRequestObservationConvention convention;

	/**
	 * Create the observations.
	 * @param registry where observations go
	 * @param convention names and tags them, {@code null} for the
	 * {@link DefaultHttpServerRequestObservationConvention default}
	 */
	public ObservationHttpRequests(ObservationRegistry registry,
			@Nullable HttpServerRequestObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public ObservedRequest requestStarted(QHttpServer server, QHttpServerRequest request) {
		HttpServerRequestObservationContext context = new HttpServerRequestObservationContext(server, request);
		Observation observation = Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
		return new Observed(observation, context);
	}

	private record Observed(Observation observation,
			HttpServerRequestObservationContext context) implements ObservedRequest {

		@Override
		public Scope openScope() {
			return this.observation.openScope()::close;
		}

		@Override
		public Context putInto(Context context) {
			// the key Reactor's context propagation and Spring's observations use
			return context.put(ObservationThreadLocalAccessor.KEY, this.observation);
		}

		@Override
		public void failed(Throwable error) {
			this.observation.error(error);
		}

		@Override
		public void completed(CompletedRequest request) {
			this.context.setCompletedRequest(request);
			this.observation.stop();
		}

	}

}
