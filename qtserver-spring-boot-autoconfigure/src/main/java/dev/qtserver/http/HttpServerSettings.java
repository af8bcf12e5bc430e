package dev.qtserver.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.qtserver.core.InvalidSettingException;
import dev.qtserver.core.ListenSettings;
import dev.qtserver.core.ListenerSettings;
import dev.qtserver.websocket.WebSocketServerSettings;
import org.jspecify.annotations.Nullable;

import static dev.qtserver.core.InvalidSettingException.check;

/**
 * The immutable settings a {@link QHttpServer} starts from: its listeners, the limits
 * that protect it and the protocol options of Reactor Netty's {@code HttpServer}.
 *
 * @param listen the limits every listener shares (connections, backlog, bind timeout;
 * {@code idleTimeout} is how long a request may stay silent while it is being read, then
 * the connection is closed); its address and port are the first listener's when
 * {@code listeners} is empty
 * @param listeners where each listener listens and whether it speaks TLS (https, h2 by
 * ALPN when {@code http2} is on), in bind order; empty for one listener on
 * {@code listen}'s address, port and TLS
 * @param maxInitialLineLength the longest request line (method, URL, version) accepted,
 * in bytes; longer gets 414
 * @param maxHeaderSize the largest request header block accepted, in bytes; larger gets
 * 431
 * @param maxHeaderCount the most request header fields accepted; more gets 431
 * @param maxBodySize the largest request body accepted, in bytes; larger gets 413
 * @param keepAliveTimeout how long an idle keep-alive connection stays open between
 * requests, announced in {@code Keep-Alive: timeout=}; Qt's default is 15 seconds
 * @param requestTimeout how long a request may take to arrive completely, or {@code null}
 * for no limit; a request that takes longer has its connection closed
 * @param maxKeepAliveRequests how many requests one connection may carry, or -1 for no
 * limit
 * @param http2 whether to speak HTTP/2: h2c (by prior knowledge and by
 * {@code Upgrade: h2c}) on plain listeners, h2 by ALPN on secure ones
 * @param compression whether to compress responses that clients accept compressed
 * @param forwardHeaders whether the request's scheme, host and remote address are taken
 * from {@code Forwarded} / {@code X-Forwarded-*} headers
 * @param rateLimitPerSecond how many requests one client address may make in a second of
 * the clock, or 0 for no limit (Qt's {@code rateLimitPerSecond}); more get 429 with
 * {@code Retry-After: 1}
 * @param allowedAddresses the client addresses that may connect, in CIDR notation
 * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address); empty for any
 * @param deniedAddresses the client addresses that may not connect, in CIDR notation; a
 * connection from one is closed at once, before it is read
 * @param websocket the WebSocket endpoint on the same listeners (its path, handshake and
 * limits; its listening settings are not used), or {@code null} for none
 * @param halfClose what becomes of requests still being answered when their client closes
 * its sending side
 */
public record HttpServerSettings(ListenSettings listen, List<ListenerSettings> listeners, int maxInitialLineLength,
		int maxHeaderSize, int maxHeaderCount, long maxBodySize, Duration keepAliveTimeout,
		@Nullable Duration requestTimeout, int maxKeepAliveRequests, boolean http2, boolean compression,
		boolean forwardHeaders, int rateLimitPerSecond, List<String> allowedAddresses, List<String> deniedAddresses,
		@Nullable WebSocketServerSettings websocket, HalfClose halfClose) {

	/**
	 * Validate the settings.
	 * @throws InvalidSettingException when a value is out of range
	 */
	public HttpServerSettings {
		Objects.requireNonNull(listen, "listen");
		Objects.requireNonNull(halfClose, "halfClose");
		listeners = List.copyOf(listeners);
		check(maxInitialLineLength > 0, "maxInitialLineLength", maxInitialLineLength, "must be positive");
		check(maxHeaderSize > 0, "maxHeaderSize", maxHeaderSize, "must be positive");
		check(maxHeaderCount > 0, "maxHeaderCount", maxHeaderCount, "must be positive");
		check(maxBodySize >= 0, "maxBodySize", maxBodySize, "must not be negative");
		check(maxBodySize < Integer.MAX_VALUE, "maxBodySize", maxBodySize, "must be less than 2 GB");
		InvalidSettingException.checkPositiveOrUnset("keepAliveTimeout", keepAliveTimeout);
		InvalidSettingException.checkPositiveOrUnset("requestTimeout", requestTimeout);
		check(maxKeepAliveRequests == -1 || maxKeepAliveRequests > 0, "maxKeepAliveRequests", maxKeepAliveRequests,
				"must be positive, or -1 for no limit");
		check(rateLimitPerSecond >= 0, "rateLimitPerSecond", rateLimitPerSecond, "must not be negative");
		allowedAddresses = List.copyOf(allowedAddresses);
		deniedAddresses = List.copyOf(deniedAddresses);
		ClientAddressFilter.of(allowedAddresses, deniedAddresses);
	}

	/**
	 * Return the allow and deny lists, parsed.
	 * @return the client address filter
	 */
	ClientAddressFilter addressFilter() {
		return ClientAddressFilter.of(this.allowedAddresses, this.deniedAddresses);
	}

	/**
	 * Return where each listener listens and whether it speaks TLS, in bind order.
	 * @return the listeners; at least one
	 */
	public List<ListenerSettings> listenerSettings() {
		return this.listeners.isEmpty() ? List.of(this.listen.listener()) : this.listeners;
	}

	/**
	 * Return a builder that starts from the defaults: one listener on any address, port
	 * 0.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link HttpServerSettings}; every method returns the builder.
	 */
	public static final class Builder extends ListenSettings.AbstractBuilder<Builder> {

		private List<ListenerSettings> listeners = List.of();

		private int maxInitialLineLength = 4096;

		private int maxHeaderSize = 8 * 1024;

		private int maxHeaderCount = 100;

		private long maxBodySize = 1024 * 1024;

		private Duration keepAliveTimeout = Duration.ofSeconds(15);

		private @Nullable Duration requestTimeout;

		private int maxKeepAliveRequests = -1;

		private boolean http2;

		private boolean compression;

		private HalfClose halfClose = HalfClose.CANCEL;

		private boolean forwardHeaders;

		private int rateLimitPerSecond;

		private List<String> allowedAddresses = List.of();

		private List<String> deniedAddresses = List.of();

		private @Nullable WebSocketServerSettings websocket;

		private Builder() {
		}

		/**
		 * @param listeners where each listener listens and whether it speaks TLS, empty
		 * for one on the address and port @return this builder
		 */
		public Builder listeners(List<ListenerSettings> listeners) {
			this.listeners = listeners;
			return this;
		}

		/**
		 * @param maxInitialLineLength the longest request line, in bytes @return this
		 * builder
		 */
		public Builder maxInitialLineLength(int maxInitialLineLength) {
			this.maxInitialLineLength = maxInitialLineLength;
			return this;
		}

		/**
		 * @param maxHeaderSize the largest header block, in bytes @return this builder
		 */
		public Builder maxHeaderSize(int maxHeaderSize) {
			this.maxHeaderSize = maxHeaderSize;
			return this;
		}

		/**
		 * @param maxHeaderCount the most header fields @return this builder
		 */
		public Builder maxHeaderCount(int maxHeaderCount) {
			this.maxHeaderCount = maxHeaderCount;
			return this;
		}

		/**
		 * @param maxBodySize the largest request body, in bytes @return this builder
		 */
		public Builder maxBodySize(long maxBodySize) {
			this.maxBodySize = maxBodySize;
			return this;
		}

		/**
		 * @param keepAliveTimeout how long idle keep-alive connections stay open
		 * @return this builder
		 */
		public Builder keepAliveTimeout(Duration keepAliveTimeout) {
			this.keepAliveTimeout = keepAliveTimeout;
			return this;
		}

		/**
		 * @param requestTimeout how long a request may take to arrive, {@code null} for
		 * no limit @return this builder
		 */
		public Builder requestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * @param maxKeepAliveRequests requests per connection, -1 for no limit @return
		 * this builder
		 */
		public Builder maxKeepAliveRequests(int maxKeepAliveRequests) {
			this.maxKeepAliveRequests = maxKeepAliveRequests;
			return this;
		}

		/**
		 * @param http2 whether to speak h2c @return this builder
		 */
		public Builder http2(boolean http2) {
			this.http2 = http2;
			return this;
		}

		/**
		 * @param compression whether to compress responses @return this builder
		 */
		public Builder compression(boolean compression) {
			this.compression = compression;
			return this;
		}

		/**
		 * @param forwardHeaders whether to trust forwarded headers @return this builder
		 */
		public Builder forwardHeaders(boolean forwardHeaders) {
			this.forwardHeaders = forwardHeaders;
			return this;
		}

		/**
		 * @param rateLimitPerSecond requests per client address and second, 0 for no
		 * limit @return this builder
		 */
		public Builder rateLimitPerSecond(int rateLimitPerSecond) {
			this.rateLimitPerSecond = rateLimitPerSecond;
			return this;
		}

		/**
		 * @param allowedAddresses client addresses (CIDR) that may connect, empty for any
		 * @return this builder
		 */
		public Builder allowedAddresses(List<String> allowedAddresses) {
			this.allowedAddresses = allowedAddresses;
			return this;
		}

		/**
		 * @param deniedAddresses client addresses (CIDR) that may not connect @return
		 * this builder
		 */
		public Builder deniedAddresses(List<String> deniedAddresses) {
			this.deniedAddresses = deniedAddresses;
			return this;
		}

		/**
		 * @param websocket the WebSocket endpoint, {@code null} for none @return this
		 * builder
		 */
		public Builder websocket(@Nullable WebSocketServerSettings websocket) {
			this.websocket = websocket;
			return this;
		}

		/**
		 * @param halfClose what becomes of requests still being answered when their
		 * client closes its sending side @return this builder
		 */
		public Builder halfClose(HalfClose halfClose) {
			this.halfClose = halfClose;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws InvalidSettingException when a value is out of range
		 */
		public HttpServerSettings build() {
			return new HttpServerSettings(listenSettings(), this.listeners, this.maxInitialLineLength,
					this.maxHeaderSize, this.maxHeaderCount, this.maxBodySize, this.keepAliveTimeout,
					this.requestTimeout, this.maxKeepAliveRequests, this.http2, this.compression, this.forwardHeaders,
					this.rateLimitPerSecond, this.allowedAddresses, this.deniedAddresses, this.websocket,
					this.halfClose);
		}

	}

}
