package dev.qtserver.test;

import java.io.IOException;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;

/**
 * One kind of server, as the contract tests run against every kind see it: how to create
 * one on the loopback address and talk to it with a real client.
 */
public interface ServerKind {

	/**
	 * Create a server of the kind on the loopback address, port 0, not listening.
	 * @param workers the worker pool
	 * @return the server
	 */
	QtServer newServer(WorkerPool workers);

	/**
	 * Connect a real client, ready to exchange messages.
	 * @param server the listening server
	 * @return the client
	 * @throws IOException when connecting fails
	 */
	MessageClient connect(QtServer server) throws IOException;

	/**
	 * Whether the server closes a connection as soon as the peer closes it, even with
	 * messages still to answer. A kind that lets the peer shut down only its sending side
	 * (half-closure) answers first, and closes only once every reply has ended.
	 * @return whether a peer's close ends the connection at once
	 */
	default boolean closesWithThePeer() {
		return true;
	}

}
