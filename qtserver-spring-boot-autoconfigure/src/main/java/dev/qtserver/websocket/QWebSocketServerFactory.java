package dev.qtserver.websocket;

import java.util.List;
import java.util.concurrent.Executor;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates {@link QWebSocketServer}s that share an event publisher, worker threads and
 * customizers; the auto-configuration makes one server per
 * {@code qtserver.websocket.<name>} entry with it, and an application can use it to make
 * more.
 */
public final class QWebSocketServerFactory {

	private final ApplicationEventPublisher eventPublisher;

	private final Executor workers;

	private final List<WebSocketServerCustomizer> customizers;

	/**
	 * Create a factory.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order
	 */
	public QWebSocketServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<WebSocketServerCustomizer> customizers) {
		this.eventPublisher = eventPublisher;
		this.workers = workers;
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Create a server; it does not listen until asked.
	 * @param name the server name
	 * @param settings its settings
	 * @return the server
	 */
	public QWebSocketServer create(String name, WebSocketServerSettings settings) {
		return new QWebSocketServer(name, settings, this.eventPublisher, this.workers, this.customizers);
	}

}
