package dev.qtserver.http;

import org.jspecify.annotations.Nullable;

/**
 * The bounded values that name a completed request in metrics and observations, as Spring
 * Boot names {@code http.server.requests}: a standard method or {@code UNKNOWN}, the
 * status code, its outcome class, and the {@code @Route} pattern, never the raw path. One
 * place, so the request timer and the request observation tag alike.
 */
public final class RequestTagValues {

	/**
	 * The value of a tag that cannot be known, such as the status when the client left.
	 */
	public static final String UNKNOWN = "UNKNOWN";

	private RequestTagValues() {
	}

	/**
	 * Return the method tag: the method when it is a standard one, else {@code UNKNOWN}
	 * (a method's own name would be unbounded).
	 * @param method the request method
	 * @return the tag value
	 */
	public static String method(String method) {
		return switch (method) {
			case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT" -> method;
			default -> UNKNOWN;
		};
	}

	/**
	 * Return the status a request ended with, for tagging.
	 * @param request the request
	 * @return its status code, or {@code -1} when the client went away first
	 */
	public static int status(CompletedRequest request) {
		return request.clientGone() ? -1 : request.status();
	}

	/**
	 * Return the status tag.
	 * @param status a status code, or {@code -1} when the client went away first
	 * @return the code, or {@code UNKNOWN}
	 */
	public static String status(int status) {
		return (status < 0) ? UNKNOWN : Integer.toString(status);
	}

	/**
	 * Return the outcome tag: the class of the status.
	 * @param status a status code, or {@code -1} when the client went away first
	 * @return {@code INFORMATIONAL}, {@code SUCCESS}, {@code REDIRECTION},
	 * {@code CLIENT_ERROR}, {@code SERVER_ERROR} or {@code UNKNOWN}
	 */
	public static String outcome(int status) {
		if (status < 100 || status >= 600) {
			return UNKNOWN;
		}
		return switch (status / 100) {
			case 1 -> "INFORMATIONAL";
			case 2 -> "SUCCESS";
			case 3 -> "REDIRECTION";
			case 4 -> "CLIENT_ERROR";
			default -> "SERVER_ERROR";
		};
	}

	/**
	 * Return the route tag.
	 * @param route the pattern of the route that matched, or {@code null}
	 * @param status a status code, or {@code -1} when the client went away first
	 * @return the pattern; without one {@code NOT_FOUND} for a 404, {@code REDIRECTION}
	 * for a 3xx, {@code UNKNOWN} otherwise
	 */
	public static String route(@Nullable String route, int status) {
		if (route != null) {
			return route;
		}
		if (status == 404) {
			return "NOT_FOUND";
		}
		return (status >= 300 && status < 400) ? "REDIRECTION" : UNKNOWN;
	}

}
