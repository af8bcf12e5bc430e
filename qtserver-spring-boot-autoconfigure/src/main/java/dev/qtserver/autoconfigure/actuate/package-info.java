/**
 * Auto-configuration of metrics for Qt-style servers.
 */
@NullMarked
package dev.qtserver.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
