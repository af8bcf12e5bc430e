package dev.qtserver.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import io.netty.channel.Channel;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * What every kind's accepted connection shares, written once: its id and server, its
 * addresses, its bookkeeping and the close signals. Its methods are final and its state
 * private; a kind adds how it sends, reads and closes.
 */
public abstract class AbstractQtConnection implements ManagedConnection {

	private final long id;

	private final String serverName;

	private final ConnectionChannel channel;

	/**
	 * The channel as accepted: once a connection is disposed, Reactor Netty's
	 * {@code Connection.channel()} answers a placeholder without its attributes.
	 */
	private final Channel nettyChannel;

	private final ConnectionState state;

	private final ServerStatistics statistics;

	/**
	 * Create a connection.
	 * @param id its id, unique within its server
	 * @param serverName the name of the server that accepted it
	 * @param connection the Reactor Netty connection
	 * @param state its bookkeeping
	 * @param statistics the server's statistics
	 */
	protected AbstractQtConnection(long id, String serverName, Connection connection, ConnectionState state,
			ServerStatistics statistics) {
		this.id = id;
		this.serverName = serverName;
		this.state = state;
		this.statistics = statistics;
		this.channel = new ConnectionChannel(connection, state, statistics);
		this.nettyChannel = connection.channel();
	}

	@Override
	public final long id() {
		return this.id;
	}

	@Override
	public final String serverName() {
		return this.serverName;
	}

	@Override
	public final InetSocketAddress peerAddress() {
		return this.channel.peerAddress();
	}

	@Override
	public final InetSocketAddress localAddress() {
		return this.channel.localAddress();
	}

	@Override
	public final ConnectionState state() {
		return this.state;
	}

	@Override
	public final Mono<Void> onClose() {
		return this.channel.onClose();
	}

	@Override
	public final void whenClosed(Runnable callback) {
		this.channel.whenClosed(callback);
	}

	/**
	 * Wait until the connection has closed, as Qt's {@code waitForDisconnected}. Blocks,
	 * so it refuses to run on an event loop.
	 * @param timeout how long to wait
	 * @return whether the connection closed within the timeout
	 */
	public final boolean waitForDisconnected(Duration timeout) {
		return this.channel.awaitClose(getClass().getSimpleName() + ".waitForDisconnected", timeout);
	}

	@Override
	public final Optional<SSLSession> sslSession() {
		return TlsStage.sslSession(this.nettyChannel);
	}

	/**
	 * Return the Reactor Netty connection underneath, for full control.
	 * @return the connection
	 */
	public final Connection connection() {
		return this.channel.connection();
	}

	@Override
	public final void abort() {
		this.channel.abort();
	}

	@Override
	public final void lingerOnClose() {
		this.channel.lingerOnClose();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.serverName + "#" + this.id + " " + peerAddress() + "]";
	}

	/**
	 * Return the channel the kind writes and closes through.
	 * @return the channel
	 */
	protected final ConnectionChannel channel() {
		return this.channel;
	}

	/**
	 * Return the server's statistics, for the kind to count what it receives.
	 * @return the statistics
	 */
	protected final ServerStatistics statistics() {
		return this.statistics;
	}

}
