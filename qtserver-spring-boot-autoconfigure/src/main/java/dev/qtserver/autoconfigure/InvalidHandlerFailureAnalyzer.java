package dev.qtserver.autoconfigure;

import dev.qtserver.handler.InvalidHandlerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @QtHandler} bean that could not be bound to its server.
 */
class InvalidHandlerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidHandlerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidHandlerException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the handler bean '" + cause.getHandlerName() + "': handler methods take the payload "
						+ "(String, byte[] or ByteBuffer), the connection and, for @OnError, the error; "
						+ "@QtHandler(server = ...) must name a server declared under qtserver.<kind>.<name>.",
				cause);
	}

}
