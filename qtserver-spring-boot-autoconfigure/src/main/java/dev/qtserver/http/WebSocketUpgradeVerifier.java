package dev.qtserver.http;

/**
 * Decides whether a WebSocket upgrade on an HTTP server's listeners goes ahead, as Qt
 * 6.8's {@code QHttpServer::addWebSocketUpgradeVerifier}: a
 * {@link dev.qtserver.handler.QtHandler @QtHandler} bean implementing it is asked, in
 * {@code @Order} with the server's other verifiers, about every upgrade request for the
 * WebSocket path. The first that accepts or denies decides; when every verifier passes,
 * the request is treated as an ordinary request (no route takes it: 404). A server
 * without verifiers accepts every upgrade for its path.
 *
 * <p>
 * Runs on a worker thread (it returns a value, so it may block) unless annotated
 * {@link dev.qtserver.handler.NonBlocking @NonBlocking}.
 */
@FunctionalInterface
public interface WebSocketUpgradeVerifier {

	/**
	 * Look at an upgrade request.
	 * @param request the request (its headers; an upgrade request has no body)
	 * @return accept, deny, or pass to the next verifier
	 */
	WebSocketUpgradeResponse verifyUpgrade(QHttpServerRequest request);

}
