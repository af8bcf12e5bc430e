package dev.qtserver.websocket;

import reactor.netty.tcp.TcpServer;

/**
 * Customizes the Reactor Netty {@link TcpServer} behind a {@link QWebSocketServer} just
 * before it binds. Beans of this type are applied to every WebSocket server in
 * {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface WebSocketServerCustomizer {

	/**
	 * Customize the server.
	 * @param serverName the name of the server being bound
	 * @param server the server as configured so far
	 * @return the server to bind (builders are immutable: return the result of its
	 * methods)
	 */
	TcpServer customize(String serverName, TcpServer server);

}
