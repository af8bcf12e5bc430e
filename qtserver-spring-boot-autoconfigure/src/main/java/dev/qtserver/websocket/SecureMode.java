package dev.qtserver.websocket;

/**
 * Whether a WebSocket server speaks {@code wss} or {@code ws}, after Qt's
 * {@code QWebSocketServer::SslMode}.
 */
public enum SecureMode {

	/** {@code wss://}: TLS, from an SSL bundle. */
	SECURE_MODE,

	/** {@code ws://}: plain TCP. */
	NON_SECURE_MODE

}
