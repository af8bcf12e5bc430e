/**
 * Runtime support for operations: metrics binders for Qt-style servers.
 */
@NullMarked
package dev.qtserver.actuate;

import org.jspecify.annotations.NullMarked;
