package dev.qtserver.handler;

/**
 * Wraps a checked exception thrown by a handler method; unchecked ones travel as they
 * are.
 */
public class HandlerMethodException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param method the method that threw, as {@code Class.method(Types)}
	 * @param cause what it threw
	 */
	public HandlerMethodException(String method, Throwable cause) {
		super("Handler method " + method + " threw " + cause, cause);
	}

}
