package dev.qtserver.websocket;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The immutable settings a {@link QWebSocketServer} starts from. Defaults are Qt's where
 * Qt has one.
 *
 * @param address the address to listen on
 * @param port the port to listen on; 0 lets the system choose
 * @param autoStartup whether the server listens when the application context starts
 * @param path the request path of the upgrade, such as {@code /chat}
 * @param serverName the name sent in the {@code Server} header of the handshake response
 * @param handshakeTimeout how long a client may take to complete the handshake, or
 * {@code null} for no limit; Qt's default is 10 seconds
 * @param subprotocols the subprotocols the server speaks, in no particular order
 * @param maxPendingConnections how many upgraded sessions may wait to be taken; Qt's
 * default is 30
 * @param allowedOrigins the origins allowed to connect; empty allows every origin (Qt's
 * default)
 * @param maxFrameSize the largest frame payload accepted, in bytes
 * @param maxMessageSize the largest message accepted once fragments are put together, in
 * bytes
 * @param compression whether to offer permessage-deflate
 * @param idleTimeout how long a session may stay silent before it is closed, or
 * {@code null}
 * @param heartbeatInterval how often to ping each session, or {@code null} for never; a
 * session that has not answered a ping by the next one is dropped
 * @param maxHeaderSize the largest handshake request head accepted, in bytes
 * @param listenBacklogSize the listen backlog ({@code SO_BACKLOG})
 * @param maxConnections the cap on open connections, or -1 for none
 * @param bindTimeout how long {@code listen()} waits for the bind
 */
public record WebSocketServerSettings(InetAddress address, int port, boolean autoStartup, String path,
		String serverName, @Nullable Duration handshakeTimeout, List<String> subprotocols, int maxPendingConnections,
		List<String> allowedOrigins, int maxFrameSize, int maxMessageSize, boolean compression,
		@Nullable Duration idleTimeout, @Nullable Duration heartbeatInterval, int maxHeaderSize, int listenBacklogSize,
		int maxConnections, Duration bindTimeout) {

	/**
	 * Validate the settings.
	 */
	public WebSocketServerSettings {
		Objects.requireNonNull(address, "address");
		subprotocols = List.copyOf(subprotocols);
		allowedOrigins = List.copyOf(allowedOrigins);
		check(port >= 0 && port <= 65535, "port must be between 0 and 65535");
		check(path.startsWith("/"), "path must start with '/'");
		check(positiveOrNull(handshakeTimeout), "handshakeTimeout must be positive");
		check(maxPendingConnections > 0, "maxPendingConnections must be positive");
		check(maxFrameSize > 0, "maxFrameSize must be positive");
		check(maxMessageSize >= maxFrameSize, "maxMessageSize must be at least maxFrameSize");
		check(positiveOrNull(idleTimeout), "idleTimeout must be positive");
		check(positiveOrNull(heartbeatInterval), "heartbeatInterval must be positive");
		check(maxHeaderSize > 0, "maxHeaderSize must be positive");
		check(listenBacklogSize > 0, "listenBacklogSize must be positive");
		check(maxConnections == -1 || maxConnections > 0, "maxConnections must be positive, or -1 for no limit");
	}

	private static boolean positiveOrNull(@Nullable Duration duration) {
		return duration == null || (!duration.isNegative() && !duration.isZero());
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	/**
	 * Return a builder that starts from the defaults: any address, port 0, path
	 * {@code /}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link WebSocketServerSettings}; every method returns the builder.
	 */
	public static final class Builder {

		private InetAddress address = anyAddress();

		private int port;

		private boolean autoStartup = true;

		private String path = "/";

		private String serverName = "QtWebSocketServer";

		private @Nullable Duration handshakeTimeout = Duration.ofSeconds(10);

		private List<String> subprotocols = List.of();

		private int maxPendingConnections = 30;

		private List<String> allowedOrigins = List.of();

		private int maxFrameSize = 64 * 1024;

		private int maxMessageSize = 1024 * 1024;

		private boolean compression;

		private @Nullable Duration idleTimeout;

		private @Nullable Duration heartbeatInterval;

		private int maxHeaderSize = 8 * 1024;

		private int listenBacklogSize = 50;

		private int maxConnections = -1;

		private Duration bindTimeout = Duration.ofSeconds(10);

		private Builder() {
		}

		private static InetAddress anyAddress() {
			try {
				return InetAddress.getByAddress(new byte[4]);
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * @param address the address to listen on @return this builder
		 */
		public Builder address(InetAddress address) {
			this.address = address;
			return this;
		}

		/**
		 * @param port the port to listen on, 0 for any @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * @param autoStartup whether to listen when the context starts @return this
		 * builder
		 */
		public Builder autoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
			return this;
		}

		/**
		 * @param path the upgrade request path @return this builder
		 */
		public Builder path(String path) {
			this.path = path;
			return this;
		}

		/**
		 * @param serverName the name sent in the handshake @return this builder
		 */
		public Builder serverName(String serverName) {
			this.serverName = serverName;
			return this;
		}

		/**
		 * @param handshakeTimeout the handshake timeout, {@code null} for none @return
		 * this builder
		 */
		public Builder handshakeTimeout(@Nullable Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
			return this;
		}

		/**
		 * @param subprotocols the supported subprotocols @return this builder
		 */
		public Builder subprotocols(List<String> subprotocols) {
			this.subprotocols = subprotocols;
			return this;
		}

		/**
		 * @param maxPendingConnections the pending-queue limit @return this builder
		 */
		public Builder maxPendingConnections(int maxPendingConnections) {
			this.maxPendingConnections = maxPendingConnections;
			return this;
		}

		/**
		 * @param allowedOrigins the allowed origins, empty for all @return this builder
		 */
		public Builder allowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
			return this;
		}

		/**
		 * @param maxFrameSize the largest frame payload, in bytes @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * @param maxMessageSize the largest message, in bytes @return this builder
		 */
		public Builder maxMessageSize(int maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
			return this;
		}

		/**
		 * @param compression whether to offer permessage-deflate @return this builder
		 */
		public Builder compression(boolean compression) {
			this.compression = compression;
			return this;
		}

		/**
		 * @param idleTimeout the idle timeout, {@code null} for none @return this builder
		 */
		public Builder idleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * @param heartbeatInterval the ping interval, {@code null} for none @return this
		 * builder
		 */
		public Builder heartbeatInterval(@Nullable Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		/**
		 * @param maxHeaderSize the largest handshake head, in bytes @return this builder
		 */
		public Builder maxHeaderSize(int maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
			return this;
		}

		/**
		 * @param listenBacklogSize the listen backlog @return this builder
		 */
		public Builder listenBacklogSize(int listenBacklogSize) {
			this.listenBacklogSize = listenBacklogSize;
			return this;
		}

		/**
		 * @param maxConnections the open-connection cap, -1 for none @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * @param bindTimeout how long listen waits for the bind @return this builder
		 */
		public Builder bindTimeout(Duration bindTimeout) {
			this.bindTimeout = bindTimeout;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException when a value is out of range
		 */
		public WebSocketServerSettings build() {
			return new WebSocketServerSettings(this.address, this.port, this.autoStartup, this.path, this.serverName,
					this.handshakeTimeout, this.subprotocols, this.maxPendingConnections, this.allowedOrigins,
					this.maxFrameSize, this.maxMessageSize, this.compression, this.idleTimeout, this.heartbeatInterval,
					this.maxHeaderSize, this.listenBacklogSize, this.maxConnections, this.bindTimeout);
		}

	}

}
