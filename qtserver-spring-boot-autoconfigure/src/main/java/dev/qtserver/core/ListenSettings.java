package dev.qtserver.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import static dev.qtserver.core.InvalidSettingException.check;

/**
 * The immutable listening settings every kind of server shares: where it listens and the
 * limits that protect it. Defaults are Qt's where Qt has one; each rule is checked here
 * and nowhere else.
 *
 * @param address the address to listen on
 * @param port the port to listen on; 0 lets the system choose
 * @param autoStartup whether the server listens when the application context starts
 * @param listenBacklogSize the listen backlog ({@code SO_BACKLOG}); by default the
 * operating system's limit, as Netty's: Qt's 50 overflows when more clients than that
 * connect at once while the accepting event loop is busy, and each client whose SYN is
 * dropped then waits a second for its retransmission
 * @param maxPendingConnections how many accepted connections may wait to be taken; Qt's
 * default is 30
 * @param maxConnections the cap on open connections, or -1 for none
 * @param idleTimeout how long a connection may stay silent before it is closed, or
 * {@code null} to never close it for that
 * @param bindTimeout how long {@code listen()} waits for the bind
 * @param tls how the listener speaks TLS (Qt's {@code QSslServer}), or {@code null} for
 * plain TCP
 */
public record ListenSettings(InetAddress address, int port, boolean autoStartup, int listenBacklogSize,
		int maxPendingConnections, int maxConnections, @Nullable Duration idleTimeout, Duration bindTimeout,
		@Nullable TlsSettings tls) {

	/**
	 * Validate the settings.
	 * @throws InvalidSettingException when a value is out of range
	 */
	public ListenSettings {
		Objects.requireNonNull(address, "address");
		Objects.requireNonNull(bindTimeout, "bindTimeout");
		check(port >= 0 && port <= 65535, "port", port, "must be between 0 and 65535");
		check(listenBacklogSize > 0, "listenBacklogSize", listenBacklogSize, "must be positive");
		check(maxPendingConnections > 0, "maxPendingConnections", maxPendingConnections, "must be positive");
		check(maxConnections == -1 || maxConnections > 0, "maxConnections", maxConnections,
				"must be positive, or -1 for no limit");
		InvalidSettingException.checkPositiveOrUnset("idleTimeout", idleTimeout);
		check(!bindTimeout.isNegative() && !bindTimeout.isZero(), "bindTimeout", bindTimeout, "must be positive");
	}

	/**
	 * Return the address and port to listen on.
	 * @return the socket address; port 0 means any free port
	 */
	public InetSocketAddress socketAddress() {
		return new InetSocketAddress(this.address, this.port);
	}

	/**
	 * Return the one listener these settings describe: their address, port and TLS.
	 * @return the listener's settings
	 */
	public ListenerSettings listener() {
		return new ListenerSettings(socketAddress(), this.tls);
	}

	/**
	 * Return a builder that starts from the defaults: any address, port 0.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link ListenSettings} on its own.
	 */
	public static final class Builder extends AbstractBuilder<Builder> {

		private Builder() {
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws InvalidSettingException when a value is out of range
		 */
		public ListenSettings build() {
			return listenSettings();
		}

	}

	/**
	 * The listening part of every server settings builder, written once: each kind's
	 * builder extends it and adds its own settings. Every method returns the builder.
	 *
	 * @param <B> the builder type
	 */
	public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {

		private InetAddress address = anyAddress();

		private int port;

		private boolean autoStartup = true;

		private int listenBacklogSize = NetUtil.SOMAXCONN;

		private int maxPendingConnections = 30;

		private int maxConnections = -1;

		private @Nullable Duration idleTimeout;

		private Duration bindTimeout = Duration.ofSeconds(10);

		private @Nullable TlsSettings tls;

		/**
		 * Create a builder with the defaults.
		 */
		protected AbstractBuilder() {
		}

		private static InetAddress anyAddress() {
			try {
				return InetAddress.getByAddress(new byte[4]);
			}
			catch (UnknownHostException ex) {
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Set the address to listen on.
		 * @param address the address
		 * @return this builder
		 */
		public final B address(InetAddress address) {
			this.address = address;
			return self();
		}

		/**
		 * Set the port to listen on.
		 * @param port the port, 0 for any
		 * @return this builder
		 */
		public final B port(int port) {
			this.port = port;
			return self();
		}

		/**
		 * Set whether to listen when the context starts.
		 * @param autoStartup whether to listen at startup
		 * @return this builder
		 */
		public final B autoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
			return self();
		}

		/**
		 * Set the listen backlog.
		 * @param listenBacklogSize the backlog size
		 * @return this builder
		 */
		public final B listenBacklogSize(int listenBacklogSize) {
			this.listenBacklogSize = listenBacklogSize;
			return self();
		}

		/**
		 * Set how many accepted connections may wait to be taken.
		 * @param maxPendingConnections the pending-queue limit
		 * @return this builder
		 */
		public final B maxPendingConnections(int maxPendingConnections) {
			this.maxPendingConnections = maxPendingConnections;
			return self();
		}

		/**
		 * Set the cap on open connections.
		 * @param maxConnections the cap, -1 for none
		 * @return this builder
		 */
		public final B maxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
			return self();
		}

		/**
		 * Set how long a connection may stay silent.
		 * @param idleTimeout the idle timeout, {@code null} for none
		 * @return this builder
		 */
		public final B idleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
			return self();
		}

		/**
		 * Set how long {@code listen()} waits for the bind.
		 * @param bindTimeout the bind timeout
		 * @return this builder
		 */
		public final B bindTimeout(Duration bindTimeout) {
			this.bindTimeout = bindTimeout;
			return self();
		}

		/**
		 * Set how the listener speaks TLS.
		 * @param tls the TLS settings, {@code null} for plain TCP
		 * @return this builder
		 */
		public final B tls(@Nullable TlsSettings tls) {
			this.tls = tls;
			return self();
		}

		/**
		 * Build the listening settings from what was set so far.
		 * @return the settings
		 * @throws InvalidSettingException when a value is out of range
		 */
		protected final ListenSettings listenSettings() {
			return new ListenSettings(this.address, this.port, this.autoStartup, this.listenBacklogSize,
					this.maxPendingConnections, this.maxConnections, this.idleTimeout, this.bindTimeout, this.tls);
		}

		@SuppressWarnings("unchecked")
		private B self() {
			return (B) this;
		}

	}

}
