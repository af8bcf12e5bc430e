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
		return properties.applyEndpointTo(properties.applyTo(WebSocketServerSettings.builder()), name).build();
	}

}
