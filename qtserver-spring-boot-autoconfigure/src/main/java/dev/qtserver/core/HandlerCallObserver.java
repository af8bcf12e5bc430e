package dev.qtserver.core;

/**
 * Observes calls of handler methods, such as the starter's Micrometer Observation support
 * does (a span per call when tracing is on). Servers hold at most one
 * ({@link QtServer#observeHandlerCalls(HandlerCallObserver)}); without one, a call costs
 * a null check. This interface keeps Micrometer types out of the servers, so they work
 * without Micrometer on the classpath.
 */
public interface HandlerCallObserver {

	/**
	 * Return whether calls of a kind are observed at all. Asked once per connection, not
	 * per call, so that unobserved kinds (by default {@link HandlerCall#MESSAGE}) cost
	 * nothing.
	 * @param call the kind of call
	 * @return whether {@link #callStarted} should be called for it
	 */
	boolean observes(HandlerCall call);

	/**
	 * A handler method is about to be called on this thread: start observing it and make
	 * the observation current on this thread.
	 * @param server the server whose handler is called
	 * @param call the kind of call
	 * @param handler the method, as {@code Class.method(Parameters)}
	 * @return the observed call, to be {@link ObservedCall#end() ended} on this thread
	 */
	ObservedCall callStarted(QtServer server, HandlerCall call, String handler);

	/**
	 * One observed handler call.
	 */
	interface ObservedCall {

		/**
		 * The call failed.
		 * @param error what it threw
		 */
		void failed(Throwable error);

		/**
		 * The call returned (or failed): the observation is no longer current on this
		 * thread, and is stopped.
		 */
		void end();

	}

}
