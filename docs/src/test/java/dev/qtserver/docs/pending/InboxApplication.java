package dev.qtserver.docs.pending;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's pending-connection example: a server without a handler, taken by
 * {@link Inbox}.
 */
@SpringBootApplication
public class InboxApplication {

}
