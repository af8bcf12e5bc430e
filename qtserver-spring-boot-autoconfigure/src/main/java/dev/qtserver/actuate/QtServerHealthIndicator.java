package dev.qtserver.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.ServerState;
import dev.qtserver.core.SocketError;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one Qt-style server: {@code UP} while it listens, {@code OUT_OF_SERVICE}
 * while accepting is paused (so a readiness group takes it out of a load balancer's
 * rotation), {@code DOWN} once it failed to listen or was closed, and {@code UNKNOWN}
 * before it was ever started (a server with {@code auto-startup: false} is not down). The
 * details give its kind and state, each listener's address and port, and its live and
 * pending connections.
 */
public class QtServerHealthIndicator implements HealthIndicator {

	private final QtServer server;

	/**
	 * Create an indicator.
	 * @param server the server to report on
	 */
	public QtServerHealthIndicator(QtServer server) {
		this.server = server;
	}

	@Override
	public Health health() {
		ServerState state = this.server.state();
		Health.Builder health = Health.status(status(state))
			.withDetail("kind", this.server.kind().id())
			.withDetail("state", state.name().toLowerCase(Locale.ROOT))
			.withDetail("listeners", listeners(this.server.listeners()))
			.withDetail("connections", this.server.connectionCount())
			.withDetail("pendingConnections", this.server.pendingConnectionCount());
		if (this.server.serverError() != SocketError.UNKNOWN_SOCKET_ERROR) {
			health.withDetail("error", this.server.serverError().name())
				.withDetail("errorString", this.server.errorString());
		}
		return health.build();
	}

	private static Status status(ServerState state) {
		return switch (state) {
			case LISTENING -> Status.UP;
			case PAUSED -> Status.OUT_OF_SERVICE;
			case CLOSED, FAILED -> Status.DOWN;
			case NOT_STARTED -> Status.UNKNOWN;
		};
	}

	private static List<Map<String, Object>> listeners(List<ServerListener> listeners) {
		return listeners.stream().map((listener) -> ListenerDescriptor.of(listener).toMap()).toList();
	}

}
