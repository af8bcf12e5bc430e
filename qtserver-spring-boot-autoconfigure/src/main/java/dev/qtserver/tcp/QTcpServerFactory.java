package dev.qtserver.tcp;

import java.util.List;
import java.util.concurrent.Executor;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates {@link QTcpServer}s that share an event publisher, worker threads and
 * customizers; the auto-configuration makes one server per {@code qtserver.tcp.<name>}
 * entry with it, and an application can use it to make more.
 */
public final class QTcpServerFactory {

	private final ApplicationEventPublisher eventPublisher;

	private final Executor workers;

	private final List<TcpServerCustomizer> customizers;

	/**
	 * Create a factory.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order
	 */
	public QTcpServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<TcpServerCustomizer> customizers) {
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
	public QTcpServer create(String name, TcpServerSettings settings) {
		return new QTcpServer(name, settings, this.eventPublisher, this.workers, this.customizers);
	}

}
