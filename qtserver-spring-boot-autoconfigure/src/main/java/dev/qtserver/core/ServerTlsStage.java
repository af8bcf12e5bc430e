package dev.qtserver.core;

import java.time.Duration;

import dev.qtserver.ssl.ServerSslContexts;

/**
 * What a secure listener runs each connection's TLS stage with.
 *
 * @param contexts its SSL contexts
 * @param handshakeTimeout how long a connection may take to be encrypted
 */
record ServerTlsStage(ServerSslContexts contexts, Duration handshakeTimeout) {
}
