package dev.qtserver.tcp;

import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The immutable settings a {@link QTcpServer} starts from. Defaults are Qt's where Qt has
 * one.
 *
 * @param address the address to listen on
 * @param port the port to listen on; 0 lets the system choose
 * @param autoStartup whether the server listens when the application context starts
 * @param listenBacklogSize the listen backlog ({@code SO_BACKLOG}); Qt's default is 50
 * @param maxPendingConnections how many accepted connections may wait to be taken; Qt's
 * default is 30
 * @param maxConnections the cap on open connections, or -1 for none
 * @param idleTimeout how long a connection may stay silent before it is closed, or
 * {@code null} to never close it for that
 * @param framing how the byte stream is cut into messages
 * @param delimiter the message delimiter, for {@link TcpFraming#DELIMITER}
 * @param lengthFieldLength the length field's size in bytes, for
 * {@link TcpFraming#LENGTH_FIELD}
 * @param maxFrameLength the longest frame accepted, in bytes
 * @param charset the charset of {@code String} payloads
 * @param bindTimeout how long {@code listen()} waits for the bind
 */
public record TcpServerSettings(InetAddress address, int port, boolean autoStartup, int listenBacklogSize,
		int maxPendingConnections, int maxConnections, @Nullable Duration idleTimeout, TcpFraming framing,
		String delimiter, int lengthFieldLength, int maxFrameLength, Charset charset, Duration bindTimeout) {

	/**
	 * Validate the settings.
	 */
	public TcpServerSettings {
		Objects.requireNonNull(address, "address");
		Objects.requireNonNull(framing, "framing");
		Objects.requireNonNull(charset, "charset");
		Objects.requireNonNull(bindTimeout, "bindTimeout");
		check(port >= 0 && port <= 65535, "port must be between 0 and 65535");
		check(listenBacklogSize > 0, "listenBacklogSize must be positive");
		check(maxPendingConnections > 0, "maxPendingConnections must be positive");
		check(maxConnections == -1 || maxConnections > 0, "maxConnections must be positive, or -1 for no limit");
		check(idleTimeout == null || (!idleTimeout.isNegative() && !idleTimeout.isZero()),
				"idleTimeout must be positive");
		check(framing != TcpFraming.DELIMITER || !delimiter.isEmpty(), "delimiter must not be empty");
		check(lengthFieldLength == 1 || lengthFieldLength == 2 || lengthFieldLength == 3 || lengthFieldLength == 4
				|| lengthFieldLength == 8, "lengthFieldLength must be 1, 2, 3, 4 or 8");
		check(maxFrameLength > 0, "maxFrameLength must be positive");
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	/**
	 * Return a builder that starts from the defaults: any address, port 0, line framing.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link TcpServerSettings}; every method returns the builder.
	 */
	public static final class Builder {

		private InetAddress address = anyAddress();

		private int port;

		private boolean autoStartup = true;

		private int listenBacklogSize = 50;

		private int maxPendingConnections = 30;

		private int maxConnections = -1;

		private @Nullable Duration idleTimeout;

		private TcpFraming framing = TcpFraming.LINE;

		private String delimiter = "\n";

		private int lengthFieldLength = 4;

		private int maxFrameLength = 64 * 1024;

		private Charset charset = StandardCharsets.UTF_8;

		private Duration bindTimeout = Duration.ofSeconds(10);

		private Builder() {
		}

		private static InetAddress anyAddress() {
			try {
				return InetAddress.getByAddress(new byte[4]);
			}
			catch (java.net.UnknownHostException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * @param address the address to listen on @return this builder
		 */
		public Builder address(InetAddress address) {
			this.address = address;
			return this;
		}

		/**
		 * @param port the port to listen on, 0 for any @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * @param autoStartup whether to listen when the context starts @return this
		 * builder
		 */
		public Builder autoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
			return this;
		}

		/**
		 * @param listenBacklogSize the listen backlog @return this builder
		 */
		public Builder listenBacklogSize(int listenBacklogSize) {
			this.listenBacklogSize = listenBacklogSize;
			return this;
		}

		/**
		 * @param maxPendingConnections the pending-queue limit @return this builder
		 */
		public Builder maxPendingConnections(int maxPendingConnections) {
			this.maxPendingConnections = maxPendingConnections;
			return this;
		}

		/**
		 * @param maxConnections the open-connection cap, -1 for none @return this builder
		 */
		public Builder maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return this;
		}

		/**
		 * @param idleTimeout the idle timeout, {@code null} for none @return this builder
		 */
		public Builder idleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return this;
		}

		/**
		 * @param framing how messages are framed @return this builder
		 */
		public Builder framing(TcpFraming framing) {
			this.framing = framing;
			return this;
		}

		/**
		 * @param delimiter the delimiter for delimiter framing @return this builder
		 */
		public Builder delimiter(String delimiter) {
			this.delimiter = delimiter;
			return this;
		}

		/**
		 * @param lengthFieldLength the length field size for length-field framing @return
		 * this builder
		 */
		public Builder lengthFieldLength(int lengthFieldLength) {
			this.lengthFieldLength = lengthFieldLength;
			return this;
		}

		/**
		 * @param maxFrameLength the longest frame accepted, in bytes @return this builder
		 */
		public Builder maxFrameLength(int maxFrameLength) {
			this.maxFrameLength = maxFrameLength;
			return this;
		}

		/**
		 * @param charset the charset of text payloads @return this builder
		 */
		public Builder charset(Charset charset) {
			this.charset = charset;
			return this;
		}

		/**
		 * @param bindTimeout how long listen waits for the bind @return this builder
		 */
		public Builder bindTimeout(Duration bindTimeout) {
			this.bindTimeout = bindTimeout;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException when a value is out of range
		 */
		public TcpServerSettings build() {
			return new TcpServerSettings(this.address, this.port, this.autoStartup, this.listenBacklogSize,
					this.maxPendingConnections, this.maxConnections, this.idleTimeout, this.framing, this.delimiter,
					this.lengthFieldLength, this.maxFrameLength, this.charset, this.bindTimeout);
		}

	}

}
