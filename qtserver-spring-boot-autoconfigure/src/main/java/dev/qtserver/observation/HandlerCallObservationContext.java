package dev.qtserver.observation;

import dev.qtserver.core.HandlerCall;
import dev.qtserver.core.QtServer;
import io.micrometer.observation.Observation;

/**
 * The context of one handler method call's observation.
 */
public class HandlerCallObservationContext extends Observation.Context {

	private final QtServer server;

	private final HandlerCall call;

	private final String handler;

	/**
	 * Create the context of a call.
	 * @param server the server whose handler is called
	 * @param call the kind of call
	 * @param handler the method, as {@code Class.method(Parameters)}
	 */
	public HandlerCallObservationContext(QtServer server, HandlerCall call, String handler) {
		this.server = server;
		this.call = call;
		this.handler = handler;
	}

	/**
	 * Return the server whose handler is called.
	 * @return the server
	 */
	public QtServer getServer() {
		return this.server;
	}

	/**
	 * Return the kind of call.
	 * @return the kind
	 */
	public HandlerCall getCall() {
		return this.call;
	}

	/**
	 * Return the method called.
	 * @return such as {@code EchoHandler.echo(String)}
	 */
	public String getHandler() {
		return this.handler;
	}

}
