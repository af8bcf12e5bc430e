package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a handler method (or every handler method of a class) may block, so it
 * runs on a worker thread whatever it returns: for a method that returns a {@code Mono}
 * but computes it with blocking calls. On a method it overrides an annotation on its
 * class; both override {@code qtserver.handlers.execution}.
 *
 * @see NonBlocking
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Blocking {

}
