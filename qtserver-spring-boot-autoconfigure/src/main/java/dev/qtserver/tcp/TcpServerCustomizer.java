package dev.qtserver.tcp;

import reactor.netty.tcp.TcpServer;

/**
 * Customizes the Reactor Netty {@link TcpServer} behind a {@link QTcpServer} just before
 * it binds: socket options, wiretap, loop resources. Beans of this type are applied to
 * every TCP server in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface TcpServerCustomizer {

	/**
	 * Customize the server.
	 * @param serverName the name of the server being bound
	 * @param server the server as configured so far
	 * @return the server to bind (builders are immutable: return the result of its
	 * methods)
	 */
	TcpServer customize(String serverName, TcpServer server);

}
