package dev.qtserver.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observations of HTTP requests. Declare a bean of this type to
 * replace {@link DefaultHttpServerRequestObservationConvention}.
 */
public interface HttpServerRequestObservationConvention
		extends ObservationConvention<HttpServerRequestObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HttpServerRequestObservationContext;
	}

}
