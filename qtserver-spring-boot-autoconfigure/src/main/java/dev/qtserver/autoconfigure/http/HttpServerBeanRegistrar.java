package dev.qtserver.autoconfigure.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.qtserver.autoconfigure.QtServerBeanRegistrar;
import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.core.ServerKind;
import dev.qtserver.http.HttpServerSettings;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.QHttpServerFactory;
import dev.qtserver.websocket.WebSocketServerSettings;

/**
 * Registers one {@link QHttpServer} bean per entry under {@code qtserver.http}, named
 * {@code <name>HttpServer}. A bean of that name defined by the application replaces ours.
 */
class HttpServerBeanRegistrar extends QtServerBeanRegistrar<HttpServerProperties, HttpServerSettings, QHttpServer> {

	HttpServerBeanRegistrar() {
		super(ServerKind.HTTP, "HttpServer", HttpServerProperties.class, QHttpServer.class, QHttpServerFactory.class,
				HttpServerBeanRegistrar::toSettings);
	}

	private static HttpServerSettings toSettings(String name, HttpServerProperties properties) {
		Duration requestTimeout = properties.getRequestTimeout();
		// the property spells "no limit" as 0, the settings as null
		InvalidSettingException.check(!requestTimeout.isNegative(), "requestTimeout", requestTimeout,
				"must not be negative; 0 means no limit");
		HttpServerSettings.Builder builder = properties.applyTo(HttpServerSettings.builder());
		InetSocketAddress serverAddress = builder.build().listen().socketAddress();
		List<ListenerSettings> listeners = new ArrayList<>();
		for (int index = 0; index < properties.getListeners().size(); index++) {
			HttpServerProperties.Listener listener = properties.getListeners().get(index);
			InetAddress address = listener.getAddress();
			try {
				listeners.add(new ListenerSettings(
						new InetSocketAddress((address != null) ? address : serverAddress.getAddress(),
								listener.getPort()),
						listener.getSsl().toSettings()));
			}
			catch (InvalidSettingException ex) {
				throw new InvalidSettingException("listeners[" + index + "]." + ex.getSetting(), ex.getValue(),
						ex.getRule());
			}
		}
		HttpServerProperties.WebSocket websocket = properties.getWebsocket();
		WebSocketServerSettings upgrades = null;
		if (websocket.hasPath()) {
			try {
				upgrades = websocket.applyEndpointTo(properties.applyTo(WebSocketServerSettings.builder()), name)
					.build();
			}
			catch (InvalidSettingException ex) {
				// its properties are nested: name the one behind the rule
				throw new InvalidSettingException("websocket." + ex.getSetting(), ex.getValue(), ex.getRule());
			}
		}
		return builder.listeners(listeners)
			.websocket(upgrades)
			.maxInitialLineLength(toBytes("maxInitialLineLength", properties.getMaxInitialLineLength()))
			.maxHeaderSize(toBytes("maxHeaderSize", properties.getMaxHeaderSize()))
			.maxHeaderCount(properties.getMaxHeaderCount())
			.maxBodySize(toBytes("maxBodySize", properties.getMaxBodySize()))
			.keepAliveTimeout(properties.getKeepAliveTimeout())
			.requestTimeout(requestTimeout.isZero() ? null : requestTimeout)
			.maxKeepAliveRequests(properties.getMaxKeepAliveRequests())
			.rateLimitPerSecond(properties.getRateLimitPerSecond())
			.allowedAddresses(properties.getAllowedAddresses())
			.deniedAddresses(properties.getDeniedAddresses())
			.http2(properties.isHttp2())
			.compression(properties.isCompression())
			.halfClose(properties.getHalfClose())
			.forwardHeaders(
					properties.getForwardHeadersStrategy() == HttpServerProperties.ForwardHeadersStrategy.NATIVE)
			.build();
	}

}
