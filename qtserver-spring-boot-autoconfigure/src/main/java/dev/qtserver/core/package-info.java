/**
 * What every Qt-style server shares: the {@link dev.qtserver.core.QtServer} contract,
 * socket errors, the accept gate with its pending-connection queue, and the serial
 * executors that keep user code off event loops.
 */
@NullMarked
package dev.qtserver.core;

import org.jspecify.annotations.NullMarked;
