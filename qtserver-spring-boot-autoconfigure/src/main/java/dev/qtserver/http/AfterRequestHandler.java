package dev.qtserver.http;

/**
 * Sees every response of an HTTP server before it is written, and may change it, as Qt's
 * {@code QHttpServer::addAfterRequestHandler}: 404s, 405s and 500s included. A
 * {@link dev.qtserver.handler.QtHandler @QtHandler} bean implementing it is called, in
 * {@code @Order} with the server's other after-request handlers, on a worker thread
 * unless annotated {@link dev.qtserver.handler.NonBlocking @NonBlocking}. For a chunked
 * response it sees the status and headers (its body is not known yet).
 */
@FunctionalInterface
public interface AfterRequestHandler {

	/**
	 * Look at, or change, a response.
	 * @param request the request it answers
	 * @param response the response, whose status, headers and body may be changed
	 */
	void afterRequest(QHttpServerRequest request, QHttpServerResponse response);

}
