package dev.qtserver.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method called for each message, in order, on a worker thread or on the
 * connection's event loop, as its signature, {@link NonBlocking} or {@link Blocking}
 * place it. It takes the payload ({@code String}, {@code byte[]} or {@code ByteBuffer})
 * and optionally the connection. A returned payload is written back framed; a returned
 * {@code Publisher} (or {@code CompletionStage}) streams its items back, and the next
 * message waits until it completes; {@code void} or {@code null} sends nothing.
 *
 * <p>
 * A {@code ByteBuffer} payload of a TCP message handled on the event loop as it arrives
 * is a view of the received frame's payload, not a copy. It is valid during the call and,
 * when the method returns a {@code Publisher} or {@code CompletionStage}, until that
 * reply ends (completes, fails, or is cancelled as the connection closes); then it is
 * left empty, so a view kept longer reads nothing rather than another message's bytes.
 * Buffers made from it ({@code duplicate()}, {@code slice()}) are views too and are not
 * emptied: they must not outlive it. Copy it to keep it. Returned as it is, the same
 * buffer with its position and limit unchanged (changes made in place with an absolute
 * {@code put} included), it goes back as the received frame itself, without a copy; any
 * other buffer, or the view with its position or limit moved, is framed as any reply. A
 * message that waits its turn (behind a reply still running, for example), one handled on
 * a worker, and a WebSocket message get a copy of their own.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnMessage {

}
