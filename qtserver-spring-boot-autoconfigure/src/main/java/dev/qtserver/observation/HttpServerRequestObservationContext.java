package dev.qtserver.observation;

import dev.qtserver.http.CompletedRequest;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.QHttpServerRequest;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of one request's observation: a receiver context over the request's
 * headers, so a tracer continues the trace an incoming {@code traceparent} (or whatever
 * its propagation reads) names, as a server span. Holds how the request ended once it
 * has.
 */
public class HttpServerRequestObservationContext extends ReceiverContext<QHttpServerRequest> {

	private final QHttpServer server;

	private @Nullable CompletedRequest completedRequest;

	/**
	 * Create the context of a request.
	 * @param server the server that received it
	 * @param request the request
	 */
	public HttpServerRequestObservationContext(QHttpServer server, QHttpServerRequest request) {
		super((carrier, name) -> carrier.header(name), Kind.SERVER);
		this.server = server;
		setCarrier(request);
	}

	/**
	 * Return the server that received the request.
	 * @return the server
	 */
	public QHttpServer getServer() {
		return this.server;
	}

	/**
	 * Return the request.
	 * @return the request
	 */
	public QHttpServerRequest getRequest() {
		QHttpServerRequest request = getCarrier();
		if (request == null) {
			throw new IllegalStateException("The request was set in the constructor");
		}
		return request;
	}

	/**
	 * Return how the request ended.
	 * @return the completed request, {@code null} while it is in progress
	 */
	public @Nullable CompletedRequest getCompletedRequest() {
		return this.completedRequest;
	}

	/**
	 * Set how the request ended, before the observation stops.
	 * @param completedRequest the completed request
	 */
	public void setCompletedRequest(CompletedRequest completedRequest) {
		this.completedRequest = completedRequest;
	}

}
