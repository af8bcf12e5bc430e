package dev.qtserver.core;

import java.util.Locale;

/**
 * Maps the exceptions a bind or accept fails with onto {@link SocketError}. Netty's
 * native transports and the JDK word their errors differently, but both carry the
 * operating system's text, which is what this looks at.
 */
public final class SocketErrors {

	private SocketErrors() {
	}

	/**
	 * Classify a failure.
	 * @param failure the exception, whose cause chain is searched
	 * @return the matching socket error, or {@link SocketError#UNKNOWN_SOCKET_ERROR}
	 */
	public static SocketError classify(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
			if (message.contains("address already in use")) {
				return SocketError.ADDRESS_IN_USE;
			}
			if (message.contains("cannot assign requested address") || message.contains("address not available")) {
				return SocketError.SOCKET_ADDRESS_NOT_AVAILABLE;
			}
			if (message.contains("permission denied")) {
				return SocketError.SOCKET_ACCESS;
			}
			if (message.contains("too many open files")) {
				return SocketError.SOCKET_RESOURCE;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return SocketError.UNKNOWN_SOCKET_ERROR;
	}

}
