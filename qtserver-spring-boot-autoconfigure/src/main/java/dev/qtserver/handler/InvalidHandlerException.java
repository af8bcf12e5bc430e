package dev.qtserver.handler;

/**
 * Thrown at startup when a handler bean cannot be bound: a wrong method signature, a
 * duplicate annotation, or a server name that matches no server.
 */
public class InvalidHandlerException extends RuntimeException {

	private final String handlerName;

	/**
	 * Create an exception.
	 * @param handlerName the handler bean's name
	 * @param message what is wrong and how to fix it
	 */
	public InvalidHandlerException(String handlerName, String message) {
		super(message);
		this.handlerName = handlerName;
	}

	/**
	 * Create an exception with its cause.
	 * @param handlerName the handler bean's name
	 * @param message what is wrong and how to fix it
	 * @param cause what went wrong underneath
	 */
	public InvalidHandlerException(String handlerName, String message, Throwable cause) {
		super(message, cause);
		this.handlerName = handlerName;
	}

	/**
	 * Return the name of the handler bean that could not be bound.
	 * @return the bean name
	 */
	public String getHandlerName() {
		return this.handlerName;
	}

}
