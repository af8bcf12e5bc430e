package dev.qtserver.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;

import dev.qtserver.core.ListenSettings;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Where a server listens and the limits that protect it: the properties every kind of
 * server shares, under {@code qtserver.<kind>.<name>}.
 */
public class ListenProperties {

	/**
	 * Address to listen on. Any address when not set.
	 */
	private @Nullable InetAddress address;

	/**
	 * Port to listen on. 0 lets the operating system choose a free port.
	 */
	private int port;

	/**
	 * Whether the server listens as soon as the application has started.
	 */
	private boolean autoStartup = true;

	/**
	 * Size of the operating system's queue of connections not yet accepted (SO_BACKLOG).
	 * Defaults to the operating system's limit (net.core.somaxconn on Linux), as Netty's
	 * and Spring Boot's servers do.
	 */
	private int listenBacklogSize = NetUtil.SOMAXCONN;

	/**
	 * Maximum number of accepted connections waiting to be taken with
	 * nextPendingConnection(). Once reached, a TCP server stops accepting until one is
	 * taken; a WebSocket server fails further handshakes, as does an HTTP server's
	 * WebSocket upgrade.
	 */
	private int maxPendingConnections = 30;

	/**
	 * Maximum number of open connections, pending ones and handshakes in progress
	 * included. Once reached, the server stops accepting until one closes. -1 for no
	 * limit.
	 */
	private int maxConnections = -1;

	/**
	 * How long a connection may go without sending anything before it is closed: a TCP
	 * connection once bound to a handler, a WebSocket session with 1001. Never closed for
	 * silence when not set.
	 */
	private @Nullable Duration idleTimeout;

	/**
	 * TLS from a Spring Boot SSL bundle (QSslServer; wss for a WebSocket server, https
	 * for an HTTP server). Plain TCP when ssl.bundle is not set.
	 */
	@NestedConfigurationProperty
	private final SslProperties ssl = new SslProperties();

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

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public int getListenBacklogSize() {
		return this.listenBacklogSize;
	}

	public void setListenBacklogSize(int listenBacklogSize) {
		this.listenBacklogSize = listenBacklogSize;
	}

	public int getMaxPendingConnections() {
		return this.maxPendingConnections;
	}

	public void setMaxPendingConnections(int maxPendingConnections) {
		this.maxPendingConnections = maxPendingConnections;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public SslProperties getSsl() {
		return this.ssl;
	}

	/**
	 * Copy these properties onto a settings builder; the builder's settings check them.
	 * @param <B> the builder type
	 * @param builder a server kind's settings builder
	 * @return the builder
	 */
	public <B extends ListenSettings.AbstractBuilder<B>> B applyTo(B builder) {
		InetAddress address = this.address;
		if (address != null) {
			builder.address(address);
		}
		return builder.port(this.port)
			.autoStartup(this.autoStartup)
			.listenBacklogSize(this.listenBacklogSize)
			.maxPendingConnections(this.maxPendingConnections)
			.maxConnections(this.maxConnections)
			.idleTimeout(this.idleTimeout)
			.tls(this.ssl.toSettings());
	}

}
