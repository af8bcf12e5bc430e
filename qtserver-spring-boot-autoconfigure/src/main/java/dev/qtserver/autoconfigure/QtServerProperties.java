package dev.qtserver.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.qtserver.autoconfigure.tcp.TcpServerProperties;
import dev.qtserver.autoconfigure.websocket.WebSocketServerProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Qt-style servers: one map of named servers per kind, and
 * the worker threads their handlers run on.
 */
@ConfigurationProperties("qtserver")
public class QtServerProperties {

	/**
	 * TCP servers by name; each becomes a QTcpServer bean named "<name>TcpServer".
	 */
	private final Map<String, TcpServerProperties> tcp = new LinkedHashMap<>();

	/**
	 * WebSocket servers by name; each becomes a QWebSocketServer bean named
	 * "<name>WebSocketServer".
	 */
	private final Map<String, WebSocketServerProperties> websocket = new LinkedHashMap<>();

	private final Workers workers = new Workers();

	public Map<String, TcpServerProperties> getTcp() {
		return this.tcp;
	}

	public Map<String, WebSocketServerProperties> getWebsocket() {
		return this.websocket;
	}

	public Workers getWorkers() {
		return this.workers;
	}

	/**
	 * The threads that run handler methods and event listeners, off the event loops.
	 */
	public static class Workers {

		/**
		 * Maximum number of platform threads running handler code at once. Ignored when
		 * virtual threads are enabled.
		 */
		private int maxThreads = 64;

		/**
		 * Prefix of the worker thread names.
		 */
		private String threadNamePrefix = "qtserver-worker-";

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

	}

}
