package dev.qtserver.test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

import dev.qtserver.core.AbstractQtServer;
import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.ListenSettings;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.ServerKind;
import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.tcp.QTcpSocket;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpServer;

import org.springframework.context.ApplicationEventPublisher;

/**
 * The smallest server kind with several listeners, as the HTTP server will be: it keeps
 * every connection its listeners admit open and unread, so tests see the shared core
 * (listeners, gates, counts, events) on its own.
 */
public final class TwoListenerServer extends AbstractQtServer<QTcpSocket, TcpServer> {

	private final Queue<Connection> admitted = new ConcurrentLinkedQueue<>();

	/**
	 * Create a server with a listener on each of two loopback ports.
	 * @param name the server name
	 * @param settings the limits; its address and port are not used
	 * @param firstPort the first listener's port, 0 for any
	 * @param secondPort the second listener's port, 0 for any
	 * @param publisher where events go
	 * @param workers where events are published
	 * @param customizers applied before each bind
	 */
	public TwoListenerServer(String name, ListenSettings settings, int firstPort, int secondPort,
			ApplicationEventPublisher publisher, Executor workers,
			List<? extends QtServerCustomizer<TcpServer>> customizers) {
		super(ServerKind.TCP, name, settings,
				List.of(ListenerSettings.plain(loopback(firstPort)), ListenerSettings.plain(loopback(secondPort))),
				workers, (server) -> new ApplicationEventSignals(server, publisher), TcpServer::create, customizers,
				ListenerTls.Factory.NONE);
	}

	private static InetSocketAddress loopback(int port) {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
	}

	@Override
	protected void admit(Connection connection) {
		this.admitted.add(connection);
	}

	/**
	 * Return the connections admitted so far, open or closed.
	 * @return the connections, in admission order
	 */
	public List<Connection> admitted() {
		return List.copyOf(this.admitted);
	}

	@Override
	public void bindHandler(Object handler, String handlerName, HandlerExecution execution) {
		throw new UnsupportedOperationException("This test server takes no handlers");
	}

}
