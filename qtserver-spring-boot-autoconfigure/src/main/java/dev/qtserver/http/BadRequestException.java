package dev.qtserver.http;

/**
 * A request a route matched but cannot be called with: a query parameter or header that
 * does not convert, or a body that is not what the method takes. The client gets 400.
 */
final class BadRequestException extends RuntimeException {

	BadRequestException(String message, Throwable cause) {
		super(message, cause);
	}

}
