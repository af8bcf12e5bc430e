package dev.qtserver.event;

import java.net.InetSocketAddress;
import java.util.function.BiFunction;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.ServerSignals;
import dev.qtserver.core.SocketError;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns one server's signals into Spring application events, one event class per Qt
 * signal, published synchronously on the calling thread (the core calls from a worker,
 * never an event loop).
 */
public final class ApplicationEventSignals implements ServerSignals {

	private final QtServer server;

	private final ApplicationEventPublisher publisher;

	private final BiFunction<QtConnection, CloseReason, ConnectionClosedEvent> closedEvents;

	/**
	 * Create signals that publish plain {@link ConnectionClosedEvent}s.
	 * @param server the server the events are about
	 * @param publisher where they go
	 */
	public ApplicationEventSignals(QtServer server, ApplicationEventPublisher publisher) {
		this(server, publisher, (connection, reason) -> new ConnectionClosedEvent(server, connection, reason));
	}

	/**
	 * Create signals whose close event is the server kind's own.
	 * @param server the server the events are about
	 * @param publisher where they go
	 * @param closedEvents makes the event published when a connection has closed
	 */
	public ApplicationEventSignals(QtServer server, ApplicationEventPublisher publisher,
			BiFunction<QtConnection, CloseReason, ConnectionClosedEvent> closedEvents) {
		this.server = server;
		this.publisher = publisher;
		this.closedEvents = closedEvents;
	}

	@Override
	public void listening(ServerListener listener, InetSocketAddress address) {
		this.publisher.publishEvent(new ServerListeningEvent(listener, address));
	}

	@Override
	public void acceptError(ServerListener listener, SocketError error, String description) {
		this.publisher.publishEvent(new AcceptErrorEvent(listener, error, description));
	}

	@Override
	public void closed() {
		this.publisher.publishEvent(new ServerClosedEvent(this.server));
	}

	@Override
	public void pendingConnectionAvailable(QtConnection connection) {
		this.publisher.publishEvent(new PendingConnectionAvailableEvent(this.server, connection));
	}

	@Override
	public void newConnection(QtConnection connection) {
		this.publisher.publishEvent(new NewConnectionEvent(this.server, connection));
	}

	@Override
	public void connectionError(QtConnection connection, Throwable error) {
		this.publisher.publishEvent(new ConnectionErrorEvent(this.server, connection, error));
	}

	@Override
	public void connectionClosed(QtConnection connection, CloseReason reason) {
		this.publisher.publishEvent(this.closedEvents.apply(connection, reason));
	}

	@Override
	public void publish(Object event) {
		this.publisher.publishEvent(event);
	}

}
