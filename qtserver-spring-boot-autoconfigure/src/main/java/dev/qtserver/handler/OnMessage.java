package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method called for each message, in order, on a worker thread (never an event
 * loop). It takes the payload ({@code String}, {@code byte[]} or {@code ByteBuffer}) and
 * optionally the connection. A returned payload is written back framed; a returned
 * {@code Publisher} streams its items back, and the next message waits until it
 * completes; {@code void} or {@code null} sends nothing.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnMessage {

}
