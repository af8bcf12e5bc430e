package dev.qtserver.core;

import reactor.netty.transport.ServerTransport;

/**
 * Customizes the Reactor Netty server behind a Qt-style server just before each of its
 * listeners binds: socket options, wiretap, loop resources. Beans of this type are
 * applied, in {@link org.springframework.core.Ordered} order, to every server that runs
 * on the transport type {@code T} ({@code TcpServer} for TCP and WebSocket servers) and
 * that {@link #appliesTo(QtServer)} accepts, as Boot applies a
 * {@code WebServerFactoryCustomizer<T>} by its generic type.
 *
 * @param <T> the Reactor Netty server type
 */
@FunctionalInterface
public interface QtServerCustomizer<T extends ServerTransport<T, ?>> {

	/**
	 * Customize the Reactor Netty server of one listener.
	 * @param server the server being bound
	 * @param transport the Reactor Netty server as configured so far
	 * @return the Reactor Netty server to bind (builders are immutable: return the result
	 * of its methods)
	 */
	T customize(QtServer server, T transport);

	/**
	 * Return whether this customizer applies to a server; by default it applies to every
	 * server on its transport type.
	 * @param server the server about to bind
	 * @return whether to apply this customizer to it
	 */
	default boolean appliesTo(QtServer server) {
		return true;
	}

}
