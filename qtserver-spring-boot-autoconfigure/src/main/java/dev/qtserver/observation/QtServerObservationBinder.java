package dev.qtserver.observation;

import java.util.function.Supplier;

import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.core.QtServer;
import dev.qtserver.http.HttpRequestObservations;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.websocket.QWebSocketServer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Gives every server its observers once all singletons exist, before any server listens:
 * handler calls to every server (the WebSocket upgrades of an HTTP server included),
 * requests to every HTTP server.
 */
public final class QtServerObservationBinder implements SmartInitializingSingleton {

	private final Supplier<Iterable<QtServer>> servers;

	private final @Nullable HandlerCallObserver handlerCalls;

	private final @Nullable HttpRequestObservations requests;

	/**
	 * Create a binder.
	 * @param servers the servers, looked up when singletons exist
	 * @param handlerCalls observes handler calls, {@code null} for none
	 * @param requests observes HTTP requests, {@code null} for none
	 */
	public QtServerObservationBinder(Supplier<Iterable<QtServer>> servers, @Nullable HandlerCallObserver handlerCalls,
			@Nullable HttpRequestObservations requests) {
		this.servers = servers;
		this.handlerCalls = handlerCalls;
		this.requests = requests;
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (QtServer server : this.servers.get()) {
			bind(server);
		}
	}

	/**
	 * Give one server its observers.
	 * @param server the server
	 */
	public void bind(QtServer server) {
		HandlerCallObserver calls = this.handlerCalls;
		if (calls != null) {
			server.observeHandlerCalls(calls);
		}
		if (server instanceof QHttpServer http) {
			if (this.requests != null) {
				http.observeRequests(this.requests);
			}
			QWebSocketServer upgrades = http.webSocketServer();
			if (upgrades != null && calls != null) {
				upgrades.observeHandlerCalls(calls);
			}
		}
	}

}
