package dev.qtserver.http;

/**
 * Answers requests that no handler took, as Qt's {@code QHttpServer::setMissingHandler}:
 * a {@link dev.qtserver.handler.QtHandler @QtHandler} bean implementing it replaces the
 * default answer, 404 with no body. A {@link MissingHandlerEvent} is published either
 * way. Runs on a worker thread unless annotated
 * {@link dev.qtserver.handler.NonBlocking @NonBlocking}.
 */
@FunctionalInterface
public interface MissingHandler {

	/**
	 * Answer a request no handler took.
	 * @param request the request
	 * @param responder writes the answer; a handler that leaves it unused gets the
	 * default 404
	 */
	void handleMissing(QHttpServerRequest request, QHttpServerResponder responder);

}
