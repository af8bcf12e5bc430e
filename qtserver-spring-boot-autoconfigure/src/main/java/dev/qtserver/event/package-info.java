/**
 * Spring application events, one class per Qt server signal that every server kind
 * shares, and {@link dev.qtserver.event.ApplicationEventSignals}, which publishes them
 * for the core. A kind's own events live in its package.
 */
@NullMarked
package dev.qtserver.event;

import org.jspecify.annotations.NullMarked;
