package dev.qtserver.autoconfigure.websocket;

import java.time.Duration;

import dev.qtserver.websocket.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Turns the properties of one WebSocket server into its immutable settings, rejecting a
 * bad value with an exception that names the property.
 */
final class WebSocketServerSettingsMapper {

	private WebSocketServerSettingsMapper() {
	}

	static WebSocketServerSettings toSettings(String name, WebSocketServerProperties properties) {
		String prefix = "qtserver.websocket." + name + ".";
		check(prefix + "port", properties.getPort(), properties.getPort() >= 0 && properties.getPort() <= 65535,
				"must be between 0 and 65535");
		check(prefix + "path", properties.getPath(), properties.getPath().startsWith("/"), "must start with '/'");
		check(prefix + "handshake-timeout", properties.getHandshakeTimeout(),
				!properties.getHandshakeTimeout().isNegative(), "must not be negative; 0 means no limit");
		check(prefix + "max-pending-connections", properties.getMaxPendingConnections(),
				properties.getMaxPendingConnections() > 0, "must be positive");
		int maxFrame = toInt(prefix + "max-frame-size", properties.getMaxFrameSize());
		int maxMessage = toInt(prefix + "max-message-size", properties.getMaxMessageSize());
		check(prefix + "max-message-size", properties.getMaxMessageSize(), maxMessage >= maxFrame,
				"must be at least max-frame-size");
		checkPositive(prefix + "idle-timeout", properties.getIdleTimeout());
		checkPositive(prefix + "heartbeat-interval", properties.getHeartbeatInterval());
		int maxHeader = toInt(prefix + "max-header-size", properties.getMaxHeaderSize());
		check(prefix + "listen-backlog-size", properties.getListenBacklogSize(), properties.getListenBacklogSize() > 0,
				"must be positive");
		check(prefix + "max-connections", properties.getMaxConnections(),
				properties.getMaxConnections() == -1 || properties.getMaxConnections() > 0,
				"must be positive, or -1 for no limit");
		WebSocketServerSettings.Builder builder = WebSocketServerSettings.builder();
		if (properties.getAddress() != null) {
			builder.address(properties.getAddress());
		}
		Duration handshakeTimeout = properties.getHandshakeTimeout();
		return builder.port(properties.getPort())
			.autoStartup(properties.isAutoStartup())
			.path(properties.getPath())
			.serverName((properties.getServerName() != null) ? properties.getServerName() : name)
			.handshakeTimeout(handshakeTimeout.isZero() ? null : handshakeTimeout)
			.subprotocols(properties.getSubprotocols())
			.maxPendingConnections(properties.getMaxPendingConnections())
			.allowedOrigins(properties.getAllowedOrigins())
			.maxFrameSize(maxFrame)
			.maxMessageSize(maxMessage)
			.compression(properties.isCompression())
			.idleTimeout(properties.getIdleTimeout())
			.heartbeatInterval(properties.getHeartbeatInterval())
			.maxHeaderSize(maxHeader)
			.listenBacklogSize(properties.getListenBacklogSize())
			.maxConnections(properties.getMaxConnections())
			.build();
	}

	private static int toInt(String property, DataSize size) {
		long bytes = size.toBytes();
		check(property, size, bytes > 0 && bytes <= Integer.MAX_VALUE, "must be between 1B and 2GB");
		return (int) bytes;
	}

	private static void checkPositive(String property, @Nullable Duration duration) {
		check(property, duration, duration == null || (!duration.isNegative() && !duration.isZero()),
				"must be positive; leave it unset to turn it off");
	}

	private static void check(String property, @Nullable Object value, boolean valid, String rule) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(property, value, "The value " + rule + ".");
		}
	}

}
