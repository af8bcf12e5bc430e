package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method called when a message handler throws or the peer breaks the framing
 * (an oversized frame). It may take the connection and the error ({@code Throwable} or
 * {@code Exception}); a returned payload is written back. With such a method the
 * connection stays open after a handler exception; without one it is closed. Framing
 * errors always close it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnError {

}
