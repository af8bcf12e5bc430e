package dev.qtserver.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of handler method calls. Declare a bean of this type to
 * replace {@link DefaultHandlerCallObservationConvention}.
 */
public interface HandlerCallObservationConvention extends ObservationConvention<HandlerCallObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HandlerCallObservationContext;
	}

}
