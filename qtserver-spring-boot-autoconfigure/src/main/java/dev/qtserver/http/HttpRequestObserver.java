package dev.qtserver.http;

/**
 * Told of every request an HTTP server has finished with: answered, or given up because
 * the client went away. For measurements such as the request timer of
 * {@code qtserver.http.server.requests}; add one with
 * {@link QHttpServer#addRequestObserver(HttpRequestObserver)}.
 *
 * <p>
 * Called once the response is written (or the client is gone), on the connection's event
 * loop or on the thread that finished the response: keep it short and never block.
 */
@FunctionalInterface
public interface HttpRequestObserver {

	/**
	 * A request is done.
	 * @param request what it was and how it ended
	 */
	void requestCompleted(CompletedRequest request);

}
