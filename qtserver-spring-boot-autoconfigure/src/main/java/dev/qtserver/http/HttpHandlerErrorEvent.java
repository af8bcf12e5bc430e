package dev.qtserver.http;

import dev.qtserver.event.QtServerEvent;

/**
 * Published when a handler of an HTTP server failed on a request: the client got 500
 * (with no details), and the connection and the server go on serving.
 */
public class HttpHandlerErrorEvent extends QtServerEvent {

	private final QHttpServerRequest request;

	private final Throwable error;

	/**
	 * Create an event.
	 * @param server the server
	 * @param request the request being handled
	 * @param error what the handler threw (or its reply failed with)
	 */
	public HttpHandlerErrorEvent(QHttpServer server, QHttpServerRequest request, Throwable error) {
		super(server);
		this.request = request;
		this.error = error;
	}

	/**
	 * Return the request being handled.
	 * @return the request
	 */
	public QHttpServerRequest getRequest() {
		return this.request;
	}

	/**
	 * Return what the handler threw.
	 * @return the error
	 */
	public Throwable getError() {
		return this.error;
	}

}
