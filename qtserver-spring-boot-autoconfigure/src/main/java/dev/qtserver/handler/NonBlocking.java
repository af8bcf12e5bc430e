package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a handler method (or every handler method of a class) never blocks: no
 * I/O, no locks held for long, no waiting. It then runs on the connection's Netty event
 * loop, as Qt runs slots on the server's thread, whatever it returns; this skips the
 * hand-off to a worker thread, the fastest way to serve small messages. A method that
 * blocks anyway stalls every connection that event loop serves. On a method it overrides
 * an annotation on its class; both override {@code qtserver.handlers.execution}.
 *
 * <p>
 * Not needed on a method that returns a {@code Publisher} or {@code CompletionStage}: it
 * runs on the event loop by its signature. Event listeners still run on worker threads;
 * they keep their order with the handler's calls, which stay in order whatever thread
 * each needs.
 *
 * @see Blocking
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NonBlocking {

}
