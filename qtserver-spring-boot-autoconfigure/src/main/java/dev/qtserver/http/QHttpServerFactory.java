package dev.qtserver.http;

import java.util.List;
import java.util.concurrent.Executor;

import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.QtServerFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates {@link QHttpServer}s that share an event publisher, worker threads, customizers
 * and route support; the auto-configuration makes one server per
 * {@code qtserver.http.<name>} entry with it, and an application can use it to make more.
 */
public final class QHttpServerFactory extends QtServerFactory<QHttpServer, HttpServerSettings, HttpServer> {

	/**
	 * Create a factory.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order, when they
	 * apply to it
	 * @param support conversion and JSON for route methods
	 */
	public QHttpServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<? extends QtServerCustomizer<HttpServer>> customizers, RouteSupport support) {
		this(eventPublisher, workers, customizers, support, null);
	}

	/**
	 * Create a factory whose servers may have secure listeners.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order, when they
	 * apply to it
	 * @param support converts route arguments and reads and writes JSON
	 * @param sslBundles where secure listeners find their SSL bundles, {@code null} when
	 * the application has none
	 */
	public QHttpServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<? extends QtServerCustomizer<HttpServer>> customizers, RouteSupport support,
			@Nullable SslBundles sslBundles) {
		super(eventPublisher, workers, customizers, (name, settings, publisher, pool, applied,
				bundles) -> new QHttpServer(name, settings, publisher, pool, applied, support, bundles), sslBundles);
	}

}
