package dev.qtserver.autoconfigure.websocket;

import java.time.Duration;

import dev.qtserver.autoconfigure.QtServerBeanRegistrar;
import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ServerKind;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.QWebSocketServerFactory;
import dev.qtserver.websocket.WebSocketServerSettings;

/**
 * Registers one {@link QWebSocketServer} bean per entry under {@code qtserver.websocket},
 * named {@code <name>WebSocketServer}. A bean of that name defined by the application
 * replaces ours.
 */
class WebSocketServerBeanRegistrar
		extends QtServerBeanRegistrar<WebSocketServerProperties, WebSocketServerSettings, QWebSocketServer> {

	WebSocketServerBeanRegistrar() {
		super(ServerKind.WEBSOCKET, "WebSocketServer", WebSocketServerProperties.class, QWebSocketServer.class,
				QWebSocketServerFactory.class, WebSocketServerBeanRegistrar::toSettings);
	}

	private static WebSocketServerSettings toSettings(String name, WebSocketServerProperties properties) {
		Duration handshakeTimeout = properties.getHandshakeTimeout();
		// the property spells "no limit" as 0, the settings as null
		InvalidSettingException.check(!handshakeTimeout.isNegative(), "handshakeTimeout", handshakeTimeout,
				"must not be negative; 0 means no limit");
		String serverName = properties.getServerName();
		return properties.applyTo(WebSocketServerSettings.builder())
			.path(properties.getPath())
			.serverName((serverName != null) ? serverName : name)
			.handshakeTimeout(handshakeTimeout.isZero() ? null : handshakeTimeout)
			.subprotocols(properties.getSubprotocols())
			.allowedOrigins(properties.getAllowedOrigins())
			.maxFrameSize(toBytes("maxFrameSize", properties.getMaxFrameSize()))
			.maxMessageSize(toBytes("maxMessageSize", properties.getMaxMessageSize()))
			.compression(properties.isCompression())
			.heartbeatInterval(properties.getHeartbeatInterval())
			.maxHeaderSize(toBytes("maxHeaderSize", properties.getMaxHeaderSize()))
			.build();
	}

}
