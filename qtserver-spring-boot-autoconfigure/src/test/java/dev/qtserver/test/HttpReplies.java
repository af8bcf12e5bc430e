package dev.qtserver.test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * Sends a request with the JDK's {@link HttpClient} and fails with a thread dump of the
 * whole JVM when its reply does not come within the request's timeout: a reply lost on a
 * CI machine then shows what every thread was doing meanwhile (the servers' event loops,
 * the client's selector, the thread that was to complete the response).
 */
public final class HttpReplies {

	private HttpReplies() {
	}

	/**
	 * Send a request and wait for its reply, as {@link HttpClient#send}.
	 * @param <T> the body type
	 * @param client the client
	 * @param request the request, with a timeout
	 * @param body the body handler
	 * @return the response
	 * @throws IOException when the exchange fails other than by timing out
	 * @throws InterruptedException when interrupted while waiting
	 * @throws AssertionError when no reply comes in time, with the thread dump taken then
	 */
	public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body)
			throws IOException, InterruptedException {
		try {
			return client.send(request, body);
		}
		catch (HttpTimeoutException ex) {
			throw new AssertionError("No reply to " + request.method() + " " + request.uri() + " within "
					+ request.timeout().map(Object::toString).orElse("the client's timeout") + " (" + ex.getMessage()
					+ ")\n" + ThreadDump.ofAllThreads(), ex);
		}
	}

}
