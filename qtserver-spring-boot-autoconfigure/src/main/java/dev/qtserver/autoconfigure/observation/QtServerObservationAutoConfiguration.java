package dev.qtserver.autoconfigure.observation;

import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.QtServerProperties;
import dev.qtserver.autoconfigure.http.HttpServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.core.QtServer;
import dev.qtserver.http.HttpRequestObservations;
import dev.qtserver.observation.HandlerCallObservationConvention;
import dev.qtserver.observation.HttpServerRequestObservationConvention;
import dev.qtserver.observation.ObservationHandlerCalls;
import dev.qtserver.observation.ObservationHttpRequests;
import dev.qtserver.observation.QtServerObservationBinder;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer Observation for Qt-style servers when the application has an
 * {@link ObservationRegistry} (Spring Boot's, with the actuator): an observation per
 * handler call ({@code @OnMessage} calls only with
 * {@code qtserver.observations.messages.enabled}) and per HTTP request when something
 * besides Boot's meter handler would see it ({@code qtserver.observations.requests.mode};
 * otherwise the metrics auto-configuration records the request timer itself). With Boot's
 * tracing each request is a trace and each call a span; Boot's
 * {@code management.observations.enable.<prefix>} switches them off by name. A no-op
 * registry observes nothing, at no cost.
 */
@AutoConfiguration(
		after = { QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, HttpServerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class QtServerObservationAutoConfiguration {

	/*
	 * A no-op registry gets no observers (the bean methods return null, which Spring
	 * registers as no bean): servers then pay a null check per call, not an observation.
	 */

	@Bean
	@ConditionalOnMissingBean
	@Nullable HandlerCallObserver qtServerHandlerCallObserver(ObservationRegistry observationRegistry,
			ObjectProvider<HandlerCallObservationConvention> convention, QtServerProperties properties,
			ObjectProvider<HttpRequestObservations> requests) {
		if (observationRegistry.isNoop()) {
			return null;
		}
		// a route call is a span inside its request's: observed when requests are
		return new ObservationHandlerCalls(observationRegistry, convention.getIfAvailable(),
				properties.getObservations().getMessages().isEnabled(), requests.getIfAvailable() != null);
	}

	@Bean
	@ConditionalOnMissingBean
	@Nullable HttpRequestObservations qtServerHttpRequestObservations(ObservationRegistry observationRegistry,
			ObjectProvider<HttpServerRequestObservationConvention> convention, QtServerProperties properties,
			ConfigurableListableBeanFactory beans, ObjectProvider<ObservationHandler<?>> handlers) {
		if (observationRegistry.isNoop()
				|| !RequestObservationDecision.observeRequests(properties.getObservations().getRequests().getMode(),
						beans, handlers.orderedStream().toList(), convention.getIfAvailable() != null)) {
			return null;
		}
		return new ObservationHttpRequests(observationRegistry, convention.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	QtServerObservationBinder qtServerObservationBinder(ObjectProvider<QtServer> servers,
			ObjectProvider<HandlerCallObserver> handlerCalls, ObjectProvider<HttpRequestObservations> requests) {
		return new QtServerObservationBinder(() -> servers.orderedStream().toList(), handlerCalls.getIfAvailable(),
				requests.getIfAvailable());
	}

}
