package dev.qtserver.autoconfigure.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.qtserver.autoconfigure.ListenProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesSource;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one WebSocket server, declared under {@code qtserver.websocket.<name>}.
 * <p>
 * Marked as a metadata source because the configuration processor stops at the map that
 * holds these settings: it then also writes this type's metadata (descriptions from the
 * field Javadoc, defaults) to {@code META-INF/spring/configuration-metadata}, against
 * which the hand-written per-server entries are checked.
 */
@ConfigurationPropertiesSource
public class WebSocketServerProperties extends ListenProperties implements WebSocketEndpointProperties {

	/**
	 * Request path of the WebSocket upgrade.
	 */
	private String path = "/";

	/**
	 * Name sent in the Server header of the handshake response. The server's name when
	 * not set.
	 */
	private @Nullable String serverName;

	/**
	 * How long a client may take to complete the opening handshake. 0 for no limit.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/**
	 * Subprotocols the server speaks. The first one of the client's list that is here is
	 * chosen.
	 */
	private List<String> subprotocols = new ArrayList<>();

	/**
	 * Origins allowed to connect, such as https://example.com. Every origin is allowed
	 * when empty, unless an OriginAuthenticationRequiredEvent listener denies it.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Maximum payload size of one frame. A larger frame closes the session with 1009.
	 */
	private DataSize maxFrameSize = DataSize.ofKilobytes(64);

	/**
	 * Maximum size of one message once its fragments are put together. A larger message
	 * closes the session with 1009.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * Whether to offer permessage-deflate compression.
	 */
	private boolean compression;

	/**
	 * How often to ping each session. A session that has not answered for two intervals
	 * is dropped. No pings when not set.
	 */
	private @Nullable Duration heartbeatInterval;

	/**
	 * Maximum size of the handshake request's headers. A larger one is answered with 431.
	 */
	private DataSize maxHeaderSize = DataSize.ofKilobytes(8);

	@Override
	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	@Override
	public @Nullable String getServerName() {
		return this.serverName;
	}

	public void setServerName(@Nullable String serverName) {
		this.serverName = serverName;
	}

	@Override
	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	@Override
	public List<String> getSubprotocols() {
		return this.subprotocols;
	}

	public void setSubprotocols(List<String> subprotocols) {
		this.subprotocols = subprotocols;
	}

	@Override
	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	@Override
	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	@Override
	public boolean isCompression() {
		return this.compression;
	}

	public void setCompression(boolean compression) {
		this.compression = compression;
	}

	@Override
	public @Nullable Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	@Override
	public DataSize getMaxHeaderSize() {
		return this.maxHeaderSize;
	}

	public void setMaxHeaderSize(DataSize maxHeaderSize) {
		this.maxHeaderSize = maxHeaderSize;
	}

}
