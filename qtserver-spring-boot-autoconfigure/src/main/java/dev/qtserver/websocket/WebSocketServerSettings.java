package dev.qtserver.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenSettings;
import org.jspecify.annotations.Nullable;

import static dev.qtserver.core.InvalidSettingException.check;

/**
 * The immutable settings a {@link QWebSocketServer} starts from: the listening settings
 * every server shares, and the handshake and framing of RFC 6455. Defaults are Qt's where
 * Qt has one.
 *
 * @param listen where the server listens and its limits; a session waits in the pending
 * queue once upgraded, and when {@code maxPendingConnections} wait, handshakes fail
 * @param path the request path of the upgrade, such as {@code /chat}
 * @param serverName the name sent in the {@code Server} header of the handshake response
 * @param handshakeTimeout how long a client may take to complete the handshake, or
 * {@code null} for no limit; Qt's default is 10 seconds
 * @param subprotocols the subprotocols the server speaks, in no particular order
 * @param allowedOrigins the origins allowed to connect; empty allows every origin (Qt's
 * default)
 * @param maxFrameSize the largest frame payload accepted, in bytes
 * @param maxMessageSize the largest message accepted once fragments are put together, in
 * bytes
 * @param compression whether to offer permessage-deflate
 * @param heartbeatInterval how often to ping each session, or {@code null} for never; a
 * session that has not answered a ping by the next one is dropped
 * @param maxHeaderSize the largest handshake request head accepted, in bytes
 */
public record WebSocketServerSettings(ListenSettings listen, String path, String serverName,
		@Nullable Duration handshakeTimeout, List<String> subprotocols, List<String> allowedOrigins, int maxFrameSize,
		int maxMessageSize, boolean compression, @Nullable Duration heartbeatInterval, int maxHeaderSize) {

	/**
	 * Validate the settings.
	 * @throws dev.qtserver.core.InvalidSettingException when a value is out of range
	 */
	public WebSocketServerSettings {
		Objects.requireNonNull(listen, "listen");
		subprotocols = List.copyOf(subprotocols);
		allowedOrigins = List.copyOf(allowedOrigins);
		check(path.startsWith("/"), "path", path, "must start with '/'");
		InvalidSettingException.checkPositiveOrUnset("handshakeTimeout", handshakeTimeout);
		check(maxFrameSize > 0, "maxFrameSize", maxFrameSize, "must be positive");
		check(maxMessageSize >= maxFrameSize, "maxMessageSize", maxMessageSize,
				"must be at least the maximum frame size");
		InvalidSettingException.checkPositiveOrUnset("heartbeatInterval", heartbeatInterval);
		check(maxHeaderSize > 0, "maxHeaderSize", maxHeaderSize, "must be positive");
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
	public static final class Builder extends ListenSettings.AbstractBuilder<Builder> {

		private String path = "/";

		private String serverName = "QtWebSocketServer";

		private @Nullable Duration handshakeTimeout = Duration.ofSeconds(10);

		private List<String> subprotocols = List.of();

		private List<String> allowedOrigins = List.of();

		private int maxFrameSize = 64 * 1024;

		private int maxMessageSize = 1024 * 1024;

		private boolean compression;

		private @Nullable Duration heartbeatInterval;

		private int maxHeaderSize = 8 * 1024;

		private Builder() {
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
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException when a value is out of range
		 */
		public WebSocketServerSettings build() {
			return new WebSocketServerSettings(listenSettings(), this.path, this.serverName, this.handshakeTimeout,
					this.subprotocols, this.allowedOrigins, this.maxFrameSize, this.maxMessageSize, this.compression,
					this.heartbeatInterval, this.maxHeaderSize);
		}

	}

}
