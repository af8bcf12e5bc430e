/**
 * Auto-configuration for WebSocket servers declared under
 * {@code qtserver.websocket.<name>}.
 */
@NullMarked
package dev.qtserver.autoconfigure.websocket;

import org.jspecify.annotations.NullMarked;
