package dev.qtserver.autoconfigure.http;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.qtserver.autoconfigure.ListenProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of one HTTP server, under {@code qtserver.http.<name>}: the
 * listening properties every server has (its address and port are those of its one
 * listener when {@code listeners} is empty), its listeners, its limits and protocols.
 */
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
	 * a request that takes longer is closed. 0 for no limit.
	 */
	private Duration requestTimeout = Duration.ofSeconds(60);

	/**
	 * Most requests one connection may carry; the response to the last one closes it. -1
	 * for no limit.
	 */
	private int maxKeepAliveRequests = -1;

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

	public ForwardHeadersStrategy getForwardHeadersStrategy() {
		return this.forwardHeadersStrategy;
	}

	public void setForwardHeadersStrategy(ForwardHeadersStrategy forwardHeadersStrategy) {
		this.forwardHeadersStrategy = forwardHeadersStrategy;
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
