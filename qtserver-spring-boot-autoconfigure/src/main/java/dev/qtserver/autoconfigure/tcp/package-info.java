/**
 * Auto-configuration for TCP servers declared under {@code qtserver.tcp.<name>}.
 */
@NullMarked
package dev.qtserver.autoconfigure.tcp;

import org.jspecify.annotations.NullMarked;
