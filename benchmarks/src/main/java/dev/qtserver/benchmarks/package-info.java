/**
 * Load harness for the qtserver starter: the raw Reactor Netty baseline server, a verifying
 * TCP echo load generator and an idle-connection opener, driven by {@code run-tcp.sh}.
 */
@NullMarked
package dev.qtserver.benchmarks;

import org.jspecify.annotations.NullMarked;
