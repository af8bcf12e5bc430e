package dev.qtserver.autoconfigure.websocket;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for WebSocket servers: the map under
 * {@code qtserver.websocket}. The servers are registered from it by
 * {@link WebSocketServerBeanRegistrar}; this class gives IDEs the map's description.
 */
@ConfigurationProperties("qtserver")
public class WebSocketServersProperties {

	/**
	 * WebSocket servers by name; each becomes a QWebSocketServer bean named
	 * "<name>WebSocketServer".
	 */
	private final Map<String, WebSocketServerProperties> websocket = new LinkedHashMap<>();

	public Map<String, WebSocketServerProperties> getWebsocket() {
		return this.websocket;
	}

}
