/**
 * Auto-configuration for HTTP servers declared under {@code qtserver.http.<name>}.
 */
@NullMarked
package dev.qtserver.autoconfigure.http;

import org.jspecify.annotations.NullMarked;
