package dev.qtserver.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps requests to a method of a {@link dev.qtserver.handler.QtHandler @QtHandler} bean
 * bound to an HTTP server, as Qt's {@code QHttpServer::route()}.
 *
 * <p>
 * The path is literal segments and variables: {@code /users/{id}} matches
 * {@code /users/42} and binds {@code id} to a {@link PathVariable @PathVariable}
 * parameter; a last segment {@code {*rest}} matches the rest of the path. Segments are
 * compared percent-decoded.
 *
 * <p>
 * Parameters may be {@link QHttpServerRequest}, {@link QHttpServerResponder},
 * {@link PathVariable @PathVariable}, {@link RequestParam @RequestParam},
 * {@link RequestHeader @RequestHeader} and {@link RequestBody @RequestBody}. The method
 * returns what the client gets: {@code String} (text/plain), {@code byte[]}
 * (application/octet-stream), a {@link QHttpServerResponse}, any other object (JSON), a
 * {@code Mono} or {@code CompletionStage} of those, a {@code Flux} (its elements streamed
 * as chunks), or {@code void} after writing to its {@link QHttpServerResponder} (a
 * {@code void} method without one answers 200 with no body).
 *
 * <p>
 * Where it runs follows its signature ({@code qtserver.handlers.execution}): a method
 * returning {@code Mono}, {@code Flux} or {@code CompletionStage} runs on the
 * connection's event loop, any other on a worker thread, unless annotated
 * {@link dev.qtserver.handler.Blocking @Blocking} or
 * {@link dev.qtserver.handler.NonBlocking @NonBlocking}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Route {

	/**
	 * The path pattern, such as {@code /users/{id}}.
	 * @return the pattern
	 */
	String value();

	/**
	 * The request methods the route takes, such as {@code GET}; empty for every method. A
	 * route that takes {@code GET} takes {@code HEAD} too.
	 * @return the methods
	 */
	String[] methods() default {};

}
