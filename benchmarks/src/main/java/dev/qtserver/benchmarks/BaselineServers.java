package dev.qtserver.benchmarks;

import java.util.Set;
import java.util.concurrent.CountDownLatch;

import reactor.netty.DisposableServer;

/**
 * What the raw Reactor Netty baseline servers share: how they take their port, and how
 * they announce it and run until killed.
 */
final class BaselineServers {

	private BaselineServers() {
	}

	/**
	 * The port from {@code [port]} or {@code --port P}.
	 * @param args the program arguments
	 * @param defaultPort the port when none is given
	 */
	static int port(String[] args, int defaultPort) {
		Options options = Options.parse(args, Set.of("port"));
		return options.positional().isEmpty() ? options.integer("port", defaultPort)
				: Integer.parseInt(options.positional().get(0));
	}

	/**
	 * Print {@code LISTENING <port>} and keep the JVM alive until the process is killed.
	 */
	static void serveUntilKilled(DisposableServer server) throws InterruptedException {
		System.out.println("LISTENING " + server.port());
		System.out.flush();
		// the event loops are daemon threads: keep the JVM alive until it is killed
		new CountDownLatch(1).await();
	}

}
