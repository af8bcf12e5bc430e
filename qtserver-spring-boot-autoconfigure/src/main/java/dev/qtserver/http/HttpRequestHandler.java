package dev.qtserver.http;

/**
 * Handles requests of an HTTP server, with Qt's
 * {@code QAbstractHttpServer::handleRequest} contract: a
 * {@link dev.qtserver.handler.QtHandler @QtHandler} bean implementing it is asked, in
 * {@code @Order} with the server's other handlers, and the first that handles a request
 * wins.
 *
 * <p>
 * It runs on a worker thread (it returns {@code boolean}, so it may block) unless
 * annotated {@link dev.qtserver.handler.NonBlocking @NonBlocking}, on its class or its
 * method.
 */
@FunctionalInterface
public interface HttpRequestHandler {

	/**
	 * Handle a request, or leave it to the next handler.
	 * @param request the request
	 * @param responder writes the response; use it before returning {@code true}, or
	 * later from another thread
	 * @return whether this handler took the request; {@code false} passes it on, and the
	 * responder must not have been used
	 */
	boolean handleRequest(QHttpServerRequest request, QHttpServerResponder responder);

}
