package dev.qtserver.core;

import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
import reactor.netty.transport.ServerTransport;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates servers of one kind that share an event publisher, worker threads and
 * customizers. The auto-configuration makes one server per {@code qtserver.<kind>.<name>}
 * entry with it; an application can use it to make more (register them as beans to get
 * the lifecycle, handler binding and metrics the configured ones get).
 *
 * @param <S> the server type
 * @param <X> the server's settings type
 * @param <T> the Reactor Netty server type its listeners bind
 */
public abstract class QtServerFactory<S extends QtServer, X, T extends ServerTransport<T, ?>> {

	private final ApplicationEventPublisher eventPublisher;

	private final Executor workers;

	private final List<QtServerCustomizer<T>> customizers;

	private final Constructor<S, X, T> constructor;

	private final @Nullable SslBundles sslBundles;

	/**
	 * Create a factory.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order, when they
	 * apply to it
	 * @param constructor makes one server
	 * @param sslBundles where secure listeners find their SSL bundles, {@code null} when
	 * the application has none
	 */
	protected QtServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<? extends QtServerCustomizer<T>> customizers, Constructor<S, X, T> constructor,
			@Nullable SslBundles sslBundles) {
		this.eventPublisher = eventPublisher;
		this.workers = workers;
		this.customizers = List.copyOf(customizers);
		this.constructor = constructor;
		this.sslBundles = sslBundles;
	}

	/**
	 * Create a server; it does not listen until asked.
	 * @param name the server name
	 * @param settings its settings
	 * @return the server
	 */
	public final S create(String name, X settings) {
		return this.constructor.create(name, settings, this.eventPublisher, this.workers, this.customizers,
				this.sslBundles);
	}

	/**
	 * The public constructor of a server kind.
	 *
	 * @param <S> the server type
	 * @param <X> the server's settings type
	 * @param <T> the Reactor Netty server type
	 */
	@FunctionalInterface
	protected interface Constructor<S, X, T extends ServerTransport<T, ?>> {

		/**
		 * Create a server.
		 * @param name the server name
		 * @param settings its settings
		 * @param eventPublisher where its events go
		 * @param workers where handler code and event listeners run
		 * @param customizers applied before each bind
		 * @param sslBundles where secure listeners find their SSL bundles
		 * @return the server
		 */
		S create(String name, X settings, ApplicationEventPublisher eventPublisher, Executor workers,
				List<? extends QtServerCustomizer<T>> customizers, @Nullable SslBundles sslBundles);

	}

}
