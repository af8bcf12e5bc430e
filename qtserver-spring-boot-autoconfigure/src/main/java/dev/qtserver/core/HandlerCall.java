package dev.qtserver.core;

/**
 * Which kind of handler method a call is: the annotation that marks it. Its
 * {@link #tagValue()} names it in observations.
 */
public enum HandlerCall {

	/** An {@code @OnConnect} method. */
	CONNECT("connect"),

	/** An {@code @OnMessage} method. */
	MESSAGE("message"),

	/** An {@code @OnDisconnect} method. */
	DISCONNECT("disconnect"),

	/** An {@code @OnError} method. */
	ERROR("error"),

	/** A {@code @Route} method of an HTTP server. */
	ROUTE("route");

	private final String tagValue;

	HandlerCall(String tagValue) {
		this.tagValue = tagValue;
	}

	/**
	 * Return the name of the call kind in observations and tags.
	 * @return such as {@code connect}
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
