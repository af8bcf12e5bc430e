package dev.qtserver.ssl;

/**
 * What a secure listener offers by ALPN, which decides the kind of SSL context it gets.
 */
public enum ApplicationProtocols {

	/** Nothing: a raw TCP or WebSocket listener. */
	NONE,

	/** {@code http/1.1} only. */
	HTTP_1_1,

	/** {@code h2}, then {@code http/1.1}. */
	HTTP_2

}
