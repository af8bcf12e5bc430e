package dev.qtserver.tcp;

import java.util.List;
import java.util.concurrent.Executor;

import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.QtServerFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.tcp.TcpServer;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Creates {@link QTcpServer}s that share an event publisher, worker threads and
 * customizers; the auto-configuration makes one server per {@code qtserver.tcp.<name>}
 * entry with it, and an application can use it to make more.
 */
public final class QTcpServerFactory extends QtServerFactory<QTcpServer, TcpServerSettings, TcpServer> {

	/**
	 * Create a factory.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order, when they
	 * apply to it (a {@link TcpServerCustomizer} applies to TCP servers only)
	 */
	public QTcpServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<? extends QtServerCustomizer<TcpServer>> customizers) {
		this(eventPublisher, workers, customizers, null);
	}

	/**
	 * Create a factory whose servers may listen with TLS.
	 * @param eventPublisher where servers publish their events
	 * @param workers where handler code and event listeners run
	 * @param customizers applied to every server before it binds, in order, when they
	 * apply to it
	 * @param sslBundles where secure servers find their SSL bundles, {@code null} when
	 * the application has none
	 */
	public QTcpServerFactory(ApplicationEventPublisher eventPublisher, Executor workers,
			List<? extends QtServerCustomizer<TcpServer>> customizers, @Nullable SslBundles sslBundles) {
		super(eventPublisher, workers, customizers, QTcpServer::new, sslBundles);
	}

}
