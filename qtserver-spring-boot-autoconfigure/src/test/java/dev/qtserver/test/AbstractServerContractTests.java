package dev.qtserver.test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.WorkerPool;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture of a contract test run against every server kind: servers of the kind on
 * the contract's workers, real clients, and their disposal after each test. A kind's
 * subclass names its {@link ServerKind}.
 */
public abstract class AbstractServerContractTests {

	private final ServerKind kind;

	private final WorkerPool workers;

	private final List<MessageClient> clients = new ArrayList<>();

	private final List<QtServer> servers = new ArrayList<>();

	/**
	 * Create the fixture.
	 * @param kind the kind of server under test
	 * @param workers the worker pool the servers run on, closed after each test
	 */
	protected AbstractServerContractTests(ServerKind kind, WorkerPool workers) {
		this.kind = kind;
		this.workers = workers;
	}

	@AfterEach
	final void disposeServersAndClients() throws IOException {
		for (MessageClient client : this.clients) {
			client.close();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(2)));
		this.workers.close();
	}

	/**
	 * Return the kind of server under test.
	 * @return the kind
	 */
	protected final ServerKind kind() {
		return this.kind;
	}

	/**
	 * Create a server of the kind, not listening; it is shut down after the test.
	 * @return the server
	 */
	protected final QtServer create() {
		QtServer server = this.kind.newServer(this.workers);
		this.servers.add(server);
		return server;
	}

	/**
	 * Create a server of the kind with a handler bound, listening.
	 * @param handler the handler
	 * @param rule where the handler's methods run when they do not say
	 * @return the server
	 */
	protected final QtServer start(Object handler, HandlerExecution rule) {
		QtServer server = create();
		server.bindHandler(handler, "handler", rule);
		assertThat(server.listen()).isTrue();
		return server;
	}

	/**
	 * Connect a real client; it is closed after the test.
	 * @param server the listening server
	 * @return the client
	 * @throws IOException when connecting fails
	 */
	protected final MessageClient connect(QtServer server) throws IOException {
		MessageClient client = this.kind.connect(server);
		this.clients.add(client);
		return client;
	}

}
