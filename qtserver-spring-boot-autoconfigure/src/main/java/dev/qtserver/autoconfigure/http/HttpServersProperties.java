package dev.qtserver.autoconfigure.http;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for HTTP servers: the map under {@code qtserver.http}. The
 * servers are registered from it by {@link HttpServerBeanRegistrar}; this class gives
 * IDEs the map's description.
 */
@ConfigurationProperties("qtserver")
public class HttpServersProperties {

	/**
	 * HTTP servers by name; each becomes a QHttpServer bean named "<name>HttpServer".
	 */
	private final Map<String, HttpServerProperties> http = new LinkedHashMap<>();

	public Map<String, HttpServerProperties> getHttp() {
		return this.http;
	}

}
