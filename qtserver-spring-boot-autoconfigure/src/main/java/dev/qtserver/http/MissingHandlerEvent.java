package dev.qtserver.http;

import dev.qtserver.event.QtServerEvent;

/**
 * Published when no handler of an HTTP server took a request, as Qt's
 * {@code QAbstractHttpServer::missingHandler}: the client gets 404 (or 405 when a route
 * matched the path but not the method), unless a {@link MissingHandler} answers.
 */
public class MissingHandlerEvent extends QtServerEvent {

	private final QHttpServerRequest request;

	/**
	 * Create an event.
	 * @param server the server
	 * @param request the request nobody took
	 */
	public MissingHandlerEvent(QHttpServer server, QHttpServerRequest request) {
		super(server);
		this.request = request;
	}

	/**
	 * Return the request no handler took.
	 * @return the request
	 */
	public QHttpServerRequest getRequest() {
		return this.request;
	}

}
