package dev.qtserver.websocket;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.QtServerCustomizer;
import reactor.netty.tcp.TcpServer;

/**
 * Customizes the Reactor Netty {@link TcpServer} behind a {@link QWebSocketServer} just
 * before it binds: socket options, wiretap, loop resources. Beans of this type are
 * applied to every WebSocket server (and only to WebSocket servers) in
 * {@link org.springframework.core.Ordered} order; a {@code QtServerCustomizer<TcpServer>}
 * applies to TCP servers too.
 */
@FunctionalInterface
public interface WebSocketServerCustomizer extends QtServerCustomizer<TcpServer> {

	/**
	 * Customize the server.
	 * @param serverName the name of the server being bound
	 * @param server the server as configured so far
	 * @return the server to bind (builders are immutable: return the result of its
	 * methods)
	 */
	TcpServer customize(String serverName, TcpServer server);

	@Override
	default TcpServer customize(QtServer server, TcpServer transport) {
		return customize(server.name(), transport);
	}

	@Override
	default boolean appliesTo(QtServer server) {
		return server instanceof QWebSocketServer;
	}

}
