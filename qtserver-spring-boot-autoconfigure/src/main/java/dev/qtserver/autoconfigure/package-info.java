/**
 * Auto-configuration shared by every server kind, with the {@code qtserver.*} properties.
 */
@NullMarked
package dev.qtserver.autoconfigure;

import org.jspecify.annotations.NullMarked;
