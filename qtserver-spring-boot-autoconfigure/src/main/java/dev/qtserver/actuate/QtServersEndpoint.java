package dev.qtserver.actuate;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.qtserver.core.QtConnection;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code qtservers} actuator endpoint: every Qt-style server with its kind, state,
 * listeners, connections and totals ({@code GET /actuator/qtservers}, or
 * {@code /actuator/qtservers/{name}} for one), and write operations that pause or resume
 * accepting, or close one connection ({@code POST /actuator/qtservers/{name}} with
 * {@code {"action": "pause"}}, {@code "resume"}, or {@code "close-connection"} and a
 * {@code connectionId}). A name shared by servers of two kinds selects both.
 */
@Endpoint(id = "qtservers")
public class QtServersEndpoint {

	private final Supplier<List<QtServer>> servers;

	/**
	 * Create an endpoint.
	 * @param servers the servers, looked up at each call
	 */
	public QtServersEndpoint(Supplier<List<QtServer>> servers) {
		this.servers = servers;
	}

	/**
	 * Describe every server.
	 * @return the servers, in bean order
	 */
	@ReadOperation
	public ServersDescriptor servers() {
		return new ServersDescriptor(this.servers.get().stream().map(ServerDescriptor::of).toList());
	}

	/**
	 * Describe the servers of one name.
	 * @param name the server name
	 * @return the servers, or {@code null} (404) when there is none of that name
	 */
	@ReadOperation
	public @Nullable ServersDescriptor server(@Selector String name) {
		List<QtServer> named = named(name);
		return named.isEmpty() ? null : new ServersDescriptor(named.stream().map(ServerDescriptor::of).toList());
	}

	/**
	 * Act on the servers of one name.
	 * @param name the server name
	 * @param action {@code pause}, {@code resume} or {@code close-connection}
	 * @param connectionId the connection to close, for {@code close-connection}
	 * @return the servers after the action, or {@code null} when there is no server of
	 * that name or no such connection (over HTTP, {@link QtServersEndpointWebExtension}
	 * answers 404)
	 * @throws InvalidEndpointRequestException (400) for an unknown action, or
	 * {@code close-connection} without a connection id
	 */
	@WriteOperation
	public @Nullable ServersDescriptor act(@Selector String name, String action, @Nullable Long connectionId) {
		List<QtServer> named = named(name);
		if (named.isEmpty()) {
			return null;
		}
		switch (action.toLowerCase(Locale.ROOT)) {
			case "pause" -> named.forEach(QtServer::pauseAccepting);
			case "resume" -> named.forEach(QtServer::resumeAccepting);
			case "close-connection" -> {
				if (connectionId == null) {
					throw new InvalidEndpointRequestException("close-connection needs a connectionId",
							"Missing connectionId");
				}
				List<? extends QtConnection> found = named.stream()
					.flatMap((server) -> server.connection(connectionId).stream())
					.toList();
				if (found.isEmpty()) {
					return null;
				}
				found.forEach(QtConnection::close);
			}
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "': use pause, resume or close-connection", "Unknown action");
		}
		return new ServersDescriptor(named.stream().map(ServerDescriptor::of).toList());
	}

	private List<QtServer> named(String name) {
		return this.servers.get().stream().filter((server) -> server.name().equals(name)).toList();
	}

	/**
	 * Servers, as the endpoint shows them.
	 *
	 * @param servers the servers
	 */
	public record ServersDescriptor(List<ServerDescriptor> servers) {
	}

	/**
	 * One server, as the endpoint shows it.
	 *
	 * @param name the server name
	 * @param kind the kind, such as {@code tcp}
	 * @param state the state, such as {@code listening} or {@code paused}
	 * @param listeners its listening sockets
	 * @param connections open connections, pending ones and handshakes included
	 * @param pendingConnections connections waiting to be taken
	 * @param accepted connections accepted so far
	 * @param errors connection errors so far
	 * @param messagesReceived messages received so far
	 * @param messagesSent messages sent so far
	 */
	public record ServerDescriptor(String name, String kind, String state, List<ListenerDescriptor> listeners,
			int connections, int pendingConnections, long accepted, long errors, long messagesReceived,
			long messagesSent) {

		static ServerDescriptor of(QtServer server) {
			ServerStatistics statistics = server.statistics();
			return new ServerDescriptor(server.name(), server.kind().id(),
					server.state().name().toLowerCase(Locale.ROOT),
					server.listeners().stream().map(ListenerDescriptor::of).toList(), server.connectionCount(),
					server.pendingConnectionCount(), statistics.accepted(), statistics.errors(),
					statistics.messagesReceived(), statistics.messagesSent());
		}

	}

}
