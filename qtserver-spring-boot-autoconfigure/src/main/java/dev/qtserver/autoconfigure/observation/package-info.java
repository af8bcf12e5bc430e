/**
 * Auto-configuration of Micrometer Observation for Qt-style servers.
 */
@NullMarked
package dev.qtserver.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
