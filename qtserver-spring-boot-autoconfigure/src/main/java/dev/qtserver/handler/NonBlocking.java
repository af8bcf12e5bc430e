package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a {@link QtHandler @QtHandler} bean's methods never block: no I/O, no
 * locks held for long, no waiting. They then run on the connection's Netty event loop, as
 * Qt runs slots on the server's thread, which skips the hand-off to a worker thread: the
 * fastest way to serve small messages. A method that blocks anyway stalls every
 * connection that event loop serves.
 *
 * <p>
 * Event listeners still run on worker threads, so with a non-blocking handler the order
 * of events relative to handler calls is not guaranteed; the handler's own calls stay in
 * order.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NonBlocking {

}
