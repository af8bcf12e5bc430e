/**
 * Load harness for the qtserver starter: the raw Reactor Netty baseline servers (TCP
 * lines and WebSocket), verifying TCP and WebSocket echo load generators and an
 * idle-connection opener, driven by {@code run-tcp.sh} and {@code run-websocket.sh}.
 */
@NullMarked
package dev.qtserver.benchmarks;

import org.jspecify.annotations.NullMarked;
