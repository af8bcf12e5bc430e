package dev.qtserver.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;

/**
 * Decides when a server accepts connections, and makes that decision strict.
 *
 * <p>
 * Accepting stops while the server is paused or has no room (its pending queue is full,
 * or it has reached its connection cap): the listening channel stops reading, so new
 * connections wait in the operating system's backlog. Turning reads off does not take
 * effect at once on every transport (Linux epoll still accepts one more; NIO may finish
 * its current accept pass), so a connection that arrives while the gate is closed is
 * <em>parked</em>: held unread, unseen by the application, and admitted in arrival order
 * once the gate opens again. To the client this is the same as waiting in the backlog.
 */
public final class AcceptGate {

	private final BooleanSupplier hasRoom;

	private final Consumer<Connection> admitter;

	private final Deque<Connection> parked = new ArrayDeque<>();

	private boolean paused;

	private @Nullable Channel listeningChannel;

	/**
	 * Create a gate.
	 * @param hasRoom whether the server has room for one more connection; called under
	 * the gate's lock
	 * @param admitter admits a connection; called under the gate's lock, so it must
	 * register the connection at once and hand any slow work elsewhere
	 */
	public AcceptGate(BooleanSupplier hasRoom, Consumer<Connection> admitter) {
		this.hasRoom = hasRoom;
		this.admitter = admitter;
	}

	/**
	 * Start controlling a newly bound listening channel.
	 * @param listeningChannel the server channel
	 */
	public synchronized void attach(Channel listeningChannel) {
		this.listeningChannel = listeningChannel;
		applyReadState();
	}

	/**
	 * Stop controlling the listening channel and close every parked connection: they were
	 * never accepted as far as the application knows, as if the backlog had been dropped.
	 */
	public void detach() {
		Connection[] dropped;
		synchronized (this) {
			this.listeningChannel = null;
			dropped = this.parked.toArray(new Connection[0]);
			this.parked.clear();
		}
		for (Connection connection : dropped) {
			connection.dispose();
		}
	}

	/**
	 * Offer a connection the listening channel just accepted.
	 * @param connection the accepted connection
	 */
	public void offer(Connection connection) {
		synchronized (this) {
			if (isOpen()) {
				this.admitter.accept(connection);
				applyReadState();
				return;
			}
			this.parked.addLast(connection);
			applyReadState();
		}
		// a parked connection that closes while it waits leaves the queue
		connection.channel().closeFuture().addListener((future) -> unpark(connection));
	}

	/**
	 * Stop admitting connections until {@link #resume()}.
	 */
	public synchronized void pause() {
		this.paused = true;
		applyReadState();
	}

	/**
	 * Admit connections again after {@link #pause()}.
	 */
	public void resume() {
		synchronized (this) {
			this.paused = false;
		}
		refresh();
	}

	/**
	 * Return whether the gate was paused with {@link #pause()}.
	 * @return whether the gate is paused
	 */
	public synchronized boolean isPaused() {
		return this.paused;
	}

	/**
	 * Look again at the room the server has: call it whenever a pending connection is
	 * taken or a connection closes. Parked connections are admitted while there is room.
	 */
	public synchronized void refresh() {
		while (!this.paused && !this.parked.isEmpty() && this.hasRoom.getAsBoolean()) {
			Connection next = this.parked.pollFirst();
			if (!next.isDisposed()) {
				this.admitter.accept(next);
			}
		}
		applyReadState();
	}

	private boolean isOpen() {
		return !this.paused && this.parked.isEmpty() && this.hasRoom.getAsBoolean();
	}

	private synchronized void unpark(Connection connection) {
		this.parked.remove(connection);
	}

	private void applyReadState() {
		Channel channel = this.listeningChannel;
		if (channel != null) {
			boolean accept = isOpen();
			if (channel.config().isAutoRead() != accept) {
				channel.config().setAutoRead(accept);
			}
		}
	}

}
