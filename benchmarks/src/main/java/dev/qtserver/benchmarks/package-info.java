/**
 * Load harness for the qtserver starter: the baseline servers (raw Reactor Netty TCP line
 * and WebSocket echoes in both idioms, and a Spring WebFlux WebSocket echo), verifying
 * TCP and WebSocket echo load generators and an idle-connection opener, driven by
 * {@code run-tcp.sh} and {@code run-websocket.sh}.
 */
@NullMarked
package dev.qtserver.benchmarks;

import org.jspecify.annotations.NullMarked;
