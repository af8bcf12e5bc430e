package dev.qtserver.http;

import reactor.util.context.Context;

/**
 * Observes each request of an HTTP server, from the moment it is handed to the handlers
 * until its response is written or the client went away; the starter's Micrometer
 * Observation support implements it (a trace per request when tracing is on). A server
 * holds at most one ({@link QHttpServer#observeRequests(HttpRequestObservations)});
 * without one, a request costs a null check. This interface keeps Micrometer types out of
 * the server, so it works without Micrometer on the classpath.
 */
public interface HttpRequestObservations {

	/**
	 * A request is about to be handed to the handlers, on its connection's event loop:
	 * start observing it.
	 * @param server the server that received it
	 * @param request the request
	 * @return the request's observation, started but not yet current on any thread
	 */
	ObservedRequest requestStarted(QHttpServer server, QHttpServerRequest request);

	/**
	 * One observed request. Its handlers run with it current on their thread, and a
	 * reactive reply sees it in its Reactor context.
	 */
	interface ObservedRequest {

		/**
		 * Make the observation current on this thread until the returned scope is closed
		 * (on this thread).
		 * @return the scope
		 */
		Scope openScope();

		/**
		 * Return a Reactor context that also holds the observation, for the subscription
		 * to a reactive reply.
		 * @param context the subscriber's context
		 * @return the context with the observation
		 */
		Context putInto(Context context);

		/**
		 * A handler failed; the response is a 500, or a cut connection.
		 * @param error what it threw
		 */
		void failed(Throwable error);

		/**
		 * The request is done: stop observing it. Called once, on the event loop or the
		 * thread that finished the response.
		 * @param request what it was and how it ended
		 */
		void completed(CompletedRequest request);

	}

	/**
	 * The time during which a request's observation is current on a thread.
	 */
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
