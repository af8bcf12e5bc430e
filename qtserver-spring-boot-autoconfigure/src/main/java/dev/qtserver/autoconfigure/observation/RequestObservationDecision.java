package dev.qtserver.autoconfigure.observation;

import java.util.List;

import dev.qtserver.autoconfigure.RequestObservationMode;
import io.micrometer.observation.ObservationHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Decides whether HTTP requests are Micrometer observations
 * ({@code qtserver.observations.requests.mode}). In {@code auto} mode a request is
 * observed only when something besides Spring Boot's meter observation handler would see
 * the observation: with the meter handler alone, an observation per request would only
 * make the request timer, which the starter records directly for about a quarter of the
 * cost of a small request.
 */
final class RequestObservationDecision {

	private static final String METER_HANDLER = "io.micrometer.core.instrument.observation.MeterObservationHandler";

	private static final String REGISTRY_CUSTOMIZER = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationRegistryCustomizer";

	private RequestObservationDecision() {
	}

	/**
	 * Decide for an application context.
	 * @param mode the configured mode
	 * @param beans the application's beans
	 * @param handlers the {@link ObservationHandler} beans
	 * @param hasConvention whether the application declares a request convention
	 * @return whether requests are observed
	 */
	static boolean observeRequests(RequestObservationMode mode, ConfigurableListableBeanFactory beans,
			List<ObservationHandler<?>> handlers, boolean hasConvention) {
		return switch (mode) {
			case ALWAYS -> true;
			case NEVER -> false;
			// handlers added other than as beans (no beans, or a customizer that may add
			// some) cannot be seen: observe, so that they are not left without requests
			case AUTO -> hasConvention || handlers.isEmpty() || hasBeanOf(beans, REGISTRY_CUSTOMIZER)
					|| !allMeterHandlers(beans.getBeanClassLoader(), handlers);
		};
	}

	private static boolean allMeterHandlers(@Nullable ClassLoader classLoader, List<ObservationHandler<?>> handlers) {
		if (!ClassUtils.isPresent(METER_HANDLER, classLoader)) {
			return false;
		}
		Class<?> meterHandler = ClassUtils.resolveClassName(METER_HANDLER, classLoader);
		return handlers.stream().allMatch(meterHandler::isInstance);
	}

	private static boolean hasBeanOf(ConfigurableListableBeanFactory beans, String typeName) {
		ClassLoader classLoader = beans.getClass().getClassLoader();
		return ClassUtils.isPresent(typeName, classLoader) && beans
			.getBeanNamesForType(ClassUtils.resolveClassName(typeName, classLoader), true, false).length > 0;
	}

}
