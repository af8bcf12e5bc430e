package dev.qtserver.autoconfigure.websocket;

import java.time.Duration;
import java.util.List;

import dev.qtserver.autoconfigure.QtServerBeanRegistrar;
import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.websocket.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The properties of a WebSocket endpoint, whether it is a server of its own
 * ({@code qtserver.websocket.<name>}) or the upgrade path of an HTTP server
 * ({@code qtserver.http.<name>.websocket}), and their one mapping to settings.
 */
public interface WebSocketEndpointProperties {

	/**
	 * Return the request path of the upgrade.
	 * @return the path
	 */
	String getPath();

	/**
	 * Return the name sent in the handshake's Server header.
	 * @return the name, or {@code null} for the server's name
	 */
	@Nullable String getServerName();

	/**
	 * Return how long the opening handshake may take.
	 * @return the timeout, 0 for none
	 */
	Duration getHandshakeTimeout();

	/**
	 * Return the subprotocols spoken.
	 * @return the subprotocols
	 */
	List<String> getSubprotocols();

	/**
	 * Return the origins allowed.
	 * @return the origins, empty for all
	 */
	List<String> getAllowedOrigins();

	/**
	 * Return the largest frame payload.
	 * @return the size
	 */
	DataSize getMaxFrameSize();

	/**
	 * Return the largest message.
	 * @return the size
	 */
	DataSize getMaxMessageSize();

	/**
	 * Return whether permessage-deflate is offered.
	 * @return whether compression is on
	 */
	boolean isCompression();

	/**
	 * Return how often sessions are pinged.
	 * @return the interval, or {@code null} for never
	 */
	@Nullable Duration getHeartbeatInterval();

	/**
	 * Return the largest handshake request head.
	 * @return the size
	 */
	DataSize getMaxHeaderSize();

	/**
	 * Map these properties onto a settings builder.
	 * @param builder the builder, its listening settings already set
	 * @param name the server's name, the default of the handshake's Server header
	 * @return the builder
	 * @throws InvalidSettingException when a value is out of range
	 */
	default WebSocketServerSettings.Builder applyEndpointTo(WebSocketServerSettings.Builder builder, String name) {
		Duration handshakeTimeout = getHandshakeTimeout();
		// the property spells "no limit" as 0, the settings as null
		InvalidSettingException.check(!handshakeTimeout.isNegative(), "handshakeTimeout", handshakeTimeout,
				"must not be negative; 0 means no limit");
		String serverName = getServerName();
		return builder.path(getPath())
			.serverName((serverName != null) ? serverName : name)
			.handshakeTimeout(handshakeTimeout.isZero() ? null : handshakeTimeout)
			.subprotocols(getSubprotocols())
			.allowedOrigins(getAllowedOrigins())
			.maxFrameSize(QtServerBeanRegistrar.toBytes("maxFrameSize", getMaxFrameSize()))
			.maxMessageSize(QtServerBeanRegistrar.toBytes("maxMessageSize", getMaxMessageSize()))
			.compression(isCompression())
			.heartbeatInterval(getHeartbeatInterval())
			.maxHeaderSize(QtServerBeanRegistrar.toBytes("maxHeaderSize", getMaxHeaderSize()));
	}

}
