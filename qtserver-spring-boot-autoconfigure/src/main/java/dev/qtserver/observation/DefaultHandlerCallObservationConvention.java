package dev.qtserver.observation;

import io.micrometer.common.KeyValues;

/**
 * The default names and tags of handler call observations: named {@value #NAME}, with the
 * low-cardinality keys {@code server}, {@code kind} (of server), {@code call}
 * ({@code connect}, {@code message}, {@code disconnect}, {@code error}, {@code route})
 * and {@code handler} (the method, such as {@code EchoHandler.echo(String)}: bounded by
 * the code). Spans are named {@code <call> <handler>}.
 */
public class DefaultHandlerCallObservationConvention implements HandlerCallObservationConvention {

	/** The name of the observation, and of the timer derived from it. */
	public static final String NAME = "qtserver.handler.calls";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(HandlerCallObservationContext context) {
		return context.getCall().tagValue() + " " + context.getHandler();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HandlerCallObservationContext context) {
		return KeyValues.of("server", context.getServer().name(), "kind", context.getServer().kind().id(), "call",
				context.getCall().tagValue(), "handler", context.getHandler());
	}

}
