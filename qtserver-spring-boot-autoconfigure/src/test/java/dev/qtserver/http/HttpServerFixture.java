package dev.qtserver.http;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;

import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.WorkerPool;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.ssl.SslBundles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts {@link QHttpServer}s on loopback port 0 for a test, records the events they
 * publish, and shuts them down with their worker threads when closed.
 */
public final class HttpServerFixture implements AutoCloseable {

	public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	static final RouteSupport SUPPORT = new RouteSupport(ApplicationConversionService.getSharedInstance(),
			new JacksonJsonCodec(JsonMapper.builder().build()));

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WorkerPool workers = WorkerPool.platformThreads(16, "http-test-worker-");

	private final List<QHttpServer> servers = new ArrayList<>();

	private final List<QtServerCustomizer<HttpServer>> customizers = new ArrayList<>();

	private @Nullable SslBundles sslBundles;

	private volatile boolean refusing;

	/**
	 * Start a server with default settings on loopback port 0 and the given handlers,
	 * bound in order.
	 */
	public QHttpServer start(Object... handlers) {
		return start(UnaryOperator.identity(), handlers);
	}

	/** Start a server whose settings the customizer adjusts. */
	public QHttpServer start(UnaryOperator<HttpServerSettings.Builder> settings, Object... handlers) {
		QHttpServer server = create(settings.apply(HttpServerSettings.builder().address(LOOPBACK).port(0)).build(),
				SUPPORT);
		for (int i = 0; i < handlers.length; i++) {
			server.bindHandler(handlers[i], "handler" + i);
		}
		assertThat(server.listen()).as(server.errorString()).isTrue();
		return server;
	}

	/**
	 * Give the servers created from now on these SSL bundles, for their secure listeners.
	 */
	public HttpServerFixture sslBundles(SslBundles sslBundles) {
		this.sslBundles = sslBundles;
		return this;
	}

	/** Apply a customizer to the servers started from now on. */
	HttpServerFixture customize(QtServerCustomizer<HttpServer> customizer) {
		this.customizers.add(customizer);
		return this;
	}

	/**
	 * Make the workers refuse every task from now on, as a pool that was shut down, or
	 * take them again.
	 */
	void refuseWork(boolean refusing) {
		this.refusing = refusing;
	}

	QHttpServer create(HttpServerSettings settings, RouteSupport support) {
		Executor executor = this.workers.executor();
		Executor workers = (task) -> {
			if (this.refusing) {
				throw new RejectedExecutionException("the workers were shut down");
			}
			executor.execute(task);
		};
		QHttpServer server = new QHttpServer("web", settings, this.events::add, workers, List.copyOf(this.customizers),
				support, this.sslBundles);
		this.servers.add(server);
		return server;
	}

	public <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	@Override
	public void close() {
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

}
