/**
 * The WebSocket server ({@link dev.qtserver.websocket.QWebSocketServer}, after Qt's
 * {@code QWebSocketServer}): RFC 6455 version 13 over Reactor Netty, with Qt's handshake
 * policy (subprotocols, origins, pending limits, handshake timeout) and its sessions
 * ({@link dev.qtserver.websocket.QWebSocket}).
 */
@NullMarked
package dev.qtserver.websocket;

import org.jspecify.annotations.NullMarked;
