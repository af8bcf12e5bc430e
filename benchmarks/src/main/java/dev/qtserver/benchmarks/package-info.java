/**
 * Load harness for the qtserver starter: the baseline servers (raw Reactor Netty TCP line
 * echoes, plain and over TLS, WebSocket echoes and HTTP {@code GET /plaintext}, each in
 * both idioms, and Spring WebFlux's WebSocket echo and {@code GET /plaintext}), verifying
 * TCP (plain or TLS) and WebSocket echo load generators, an HTTP load around {@code wrk}
 * and {@code h2load}, and an idle-connection opener, driven by {@code run-tcp.sh},
 * {@code run-tls.sh}, {@code run-websocket.sh} and {@code run-http.sh}.
 */
@NullMarked
package dev.qtserver.benchmarks;

import org.jspecify.annotations.NullMarked;
