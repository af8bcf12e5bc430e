package dev.qtserver.http;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A request an HTTP server has finished with, as an {@link HttpRequestObserver} sees it.
 *
 * @param server the server that answered
 * @param method the request method, exactly as sent
 * @param route the pattern of the {@link Route @Route} that matched the request's path
 * (for a 405, the first whose path matched), or {@code null} when none did: another
 * handler, the missing handler, or a request refused before any handler
 * @param status the status code of the response
 * @param clientGone whether the client went away before the response was written
 * @param duration from the moment the request (with its body) was handed to the handlers
 * until the response was written
 */
public record CompletedRequest(QHttpServer server, String method, @Nullable String route, int status,
		boolean clientGone, Duration duration) {

}
