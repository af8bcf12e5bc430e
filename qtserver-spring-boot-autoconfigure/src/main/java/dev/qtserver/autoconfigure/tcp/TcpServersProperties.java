package dev.qtserver.autoconfigure.tcp;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for TCP servers: the map under {@code qtserver.tcp}. The
 * servers are registered from it by {@link TcpServerBeanRegistrar}; this class gives IDEs
 * the map's description.
 */
@ConfigurationProperties("qtserver")
public class TcpServersProperties {

	/**
	 * TCP servers by name; each becomes a QTcpServer bean named "<name>TcpServer".
	 */
	private final Map<String, TcpServerProperties> tcp = new LinkedHashMap<>();

	public Map<String, TcpServerProperties> getTcp() {
		return this.tcp;
	}

}
