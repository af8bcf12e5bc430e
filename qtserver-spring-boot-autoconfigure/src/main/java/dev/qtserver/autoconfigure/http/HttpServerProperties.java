package dev.qtserver.autoconfigure.http;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.qtserver.autoconfigure.ListenProperties;
import dev.qtserver.autoconfigure.SslProperties;
import dev.qtserver.autoconfigure.websocket.WebSocketEndpointProperties;
import dev.qtserver.http.HalfClose;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesSource;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of one HTTP server, under {@code qtserver.http.<name>}: the
 * listening properties every server has (its address and port are those of its one
 * listener when {@code listeners} is empty), its listeners, its limits and protocols.
 * <p>
 * Marked as a metadata source because the configuration processor stops at the map that
 * holds these settings: it then also writes this type's metadata to
 * {@code META-INF/spring/configuration-metadata}, against which the hand-written
 * per-server entries are checked.
 */
@ConfigurationPropertiesSource
public class HttpServerProperties extends ListenProperties {

	/**
	 * Listeners, as Qt's QAbstractHttpServer::bind() gives one server several TCP
	 * servers, each with its address and port. One listener on the server's own address
	 * and port when empty.
	 */
	private List<Listener> listeners = new ArrayList<>();

	/**
	 * Longest request line (method, URL, version) accepted; longer gets 414.
	 */
	private DataSize maxInitialLineLength = DataSize.ofKilobytes(4);

	/**
	 * Largest request header block accepted; larger gets 431.
	 */
	private DataSize maxHeaderSize = DataSize.ofKilobytes(8);

	/**
	 * Most request header fields accepted; more gets 431.
	 */
	private int maxHeaderCount = 100;

	/**
	 * Largest request body accepted; larger gets 413 and the connection is closed.
	 */
	private DataSize maxBodySize = DataSize.ofMegabytes(1);

	/**
	 * How long an idle keep-alive connection stays open between requests, announced to
	 * clients in the Keep-Alive header.
	 */
	private Duration keepAliveTimeout = Duration.ofSeconds(15);

	/**
	 * How long a request may take to arrive completely, body included; the connection of
	 * a request that takes longer is closed. 0 for no limit. Reactor Netty 1.3 keeps each
	 * request until its timer expires, so a long timeout costs memory under load.
	 */
	private Duration requestTimeout = Duration.ZERO;

	/**
	 * Most requests one connection may carry; the response to the last one closes it. -1
	 * for no limit.
	 */
	private int maxKeepAliveRequests = -1;

	/**
	 * Most requests one client address may make in a second; more are answered 429 Too
	 * Many Requests with "Retry-After: 1", and the connection stays open. 0 for no limit
	 * (Qt's rateLimitPerSecond). Behind a proxy, count real clients with
	 * forward-headers-strategy: native.
	 */
	private int rateLimitPerSecond;

	/**
	 * Client addresses that may connect, in CIDR notation (10.0.0.0/8, 2001:db8::/32) or
	 * single addresses; empty allows every address not denied. Checked against the
	 * socket's peer, never a forwarded header.
	 */
	private List<String> allowedAddresses = new ArrayList<>();

	/**
	 * Client addresses that may not connect, in CIDR notation or single addresses; a
	 * connection from one is closed at accept, before anything is read. Wins over
	 * allowed-addresses.
	 */
	private List<String> deniedAddresses = new ArrayList<>();

	/**
	 * Whether to speak HTTP/2 over cleartext (h2c), by prior knowledge and by "Upgrade:
	 * h2c", beside HTTP/1.1.
	 */
	private boolean http2;

	/**
	 * Whether to compress responses (gzip, deflate, and br or zstd when their libraries
	 * are on the classpath) for clients that accept it.
	 */
	private boolean compression;

	/**
	 * Whether to take the request's scheme, host and client address from Forwarded and
	 * X-Forwarded-* headers: 'native' trusts them (only behind a proxy that sets them),
	 * 'none' ignores them.
	 */
	private ForwardHeadersStrategy forwardHeadersStrategy = ForwardHeadersStrategy.NONE;

	/**
	 * What becomes of requests still being answered when their client closes its sending
	 * side (a TCP half-close): 'cancel' takes the client as gone (answers already being
	 * written are finished, the others cancelled), 'answer' answers every request
	 * received first, as 'nc -N' and scripts expect.
	 */
	private HalfClose halfClose = HalfClose.CANCEL;

	/**
	 * WebSocket upgrades on the same listeners, into the same sessions, limits, events
	 * and handlers as a WebSocket server of its own.
	 */
	@NestedConfigurationProperty
	private final WebSocket websocket = new WebSocket();

	public List<Listener> getListeners() {
		return this.listeners;
	}

	public void setListeners(List<Listener> listeners) {
		this.listeners = listeners;
	}

	public DataSize getMaxInitialLineLength() {
		return this.maxInitialLineLength;
	}

	public void setMaxInitialLineLength(DataSize maxInitialLineLength) {
		this.maxInitialLineLength = maxInitialLineLength;
	}

	public DataSize getMaxHeaderSize() {
		return this.maxHeaderSize;
	}

	public void setMaxHeaderSize(DataSize maxHeaderSize) {
		this.maxHeaderSize = maxHeaderSize;
	}

	public int getMaxHeaderCount() {
		return this.maxHeaderCount;
	}

	public void setMaxHeaderCount(int maxHeaderCount) {
		this.maxHeaderCount = maxHeaderCount;
	}

	public DataSize getMaxBodySize() {
		return this.maxBodySize;
	}

	public void setMaxBodySize(DataSize maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	public Duration getKeepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	public void setKeepAliveTimeout(Duration keepAliveTimeout) {
		this.keepAliveTimeout = keepAliveTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public int getRateLimitPerSecond() {
		return this.rateLimitPerSecond;
	}

	public void setRateLimitPerSecond(int rateLimitPerSecond) {
		this.rateLimitPerSecond = rateLimitPerSecond;
	}

	public List<String> getAllowedAddresses() {
		return this.allowedAddresses;
	}

	public void setAllowedAddresses(List<String> allowedAddresses) {
		this.allowedAddresses = allowedAddresses;
	}

	public List<String> getDeniedAddresses() {
		return this.deniedAddresses;
	}

	public void setDeniedAddresses(List<String> deniedAddresses) {
		this.deniedAddresses = deniedAddresses;
	}

	public int getMaxKeepAliveRequests() {
		return this.maxKeepAliveRequests;
	}

	public void setMaxKeepAliveRequests(int maxKeepAliveRequests) {
		this.maxKeepAliveRequests = maxKeepAliveRequests;
	}

	public boolean isHttp2() {
		return this.http2;
	}

	public void setHttp2(boolean http2) {
		this.http2 = http2;
	}

	public boolean isCompression() {
		return this.compression;
	}

	public void setCompression(boolean compression) {
		this.compression = compression;
	}

	public HalfClose getHalfClose() {
		return this.halfClose;
	}

	public void setHalfClose(HalfClose halfClose) {
		this.halfClose = halfClose;
	}

	public ForwardHeadersStrategy getForwardHeadersStrategy() {
		return this.forwardHeadersStrategy;
	}

	public void setForwardHeadersStrategy(ForwardHeadersStrategy forwardHeadersStrategy) {
		this.forwardHeadersStrategy = forwardHeadersStrategy;
	}

	public WebSocket getWebsocket() {
		return this.websocket;
	}

	/**
	 * The WebSocket endpoint of an HTTP server: off until its path is set.
	 */
	public static class WebSocket implements WebSocketEndpointProperties {

		/**
		 * Request path of the WebSocket upgrade, such as /ws. No upgrades when not set.
		 */
		private @Nullable String path;

		/**
		 * Name sent in the Server header of the handshake response. The server's name
		 * when not set.
		 */
		private @Nullable String serverName;

		/**
		 * How long a client may take to complete the opening handshake. 0 for no limit.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		/**
		 * Subprotocols spoken. The first one of the client's list that is here is chosen.
		 */
		private List<String> subprotocols = new ArrayList<>();

		/**
		 * Origins allowed to connect, such as https://example.com. Every origin is
		 * allowed when empty, unless an OriginAuthenticationRequiredEvent listener denies
		 * it.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Maximum payload size of one frame. A larger frame closes the session with 1009.
		 */
		private DataSize maxFrameSize = DataSize.ofKilobytes(64);

		/**
		 * Maximum size of one message once its fragments are put together. A larger
		 * message closes the session with 1009.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * Whether to offer permessage-deflate compression.
		 */
		private boolean compression;

		/**
		 * How often to ping each session. A session that has not answered for two
		 * intervals is dropped. No pings when not set.
		 */
		private @Nullable Duration heartbeatInterval;

		/**
		 * Return whether upgrades are on.
		 * @return whether a path is set
		 */
		public boolean hasPath() {
			return this.path != null;
		}

		@Override
		public String getPath() {
			String configured = this.path;
			return (configured != null) ? configured : "/";
		}

		public void setPath(@Nullable String path) {
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

		/**
		 * Return the largest handshake request head: the HTTP server's own limit applies
		 * to the upgrade request, so this is not a property of its own.
		 */
		@Override
		public DataSize getMaxHeaderSize() {
			return DataSize.ofKilobytes(8);
		}

	}

	/**
	 * One listener of an HTTP server.
	 */
	public static class Listener {

		/**
		 * Address to listen on. The server's address when not set.
		 */
		private @Nullable InetAddress address;

		/**
		 * Port to listen on. 0 lets the operating system choose a free port.
		 */
		private int port;

		/**
		 * TLS on this listener (https, and h2 by ALPN when http2 is on). Plain when
		 * ssl.bundle is not set.
		 */
		@NestedConfigurationProperty
		private final SslProperties ssl = new SslProperties();

		public SslProperties getSsl() {
			return this.ssl;
		}

		public @Nullable InetAddress getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable InetAddress address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * Whether forwarded headers are trusted, as Spring Boot's
	 * {@code server.forward-headers-strategy}.
	 */
	public enum ForwardHeadersStrategy {

		/** Take scheme, host and client address from the forwarded headers. */
		NATIVE,

		/** Ignore forwarded headers. */
		NONE

	}

}
