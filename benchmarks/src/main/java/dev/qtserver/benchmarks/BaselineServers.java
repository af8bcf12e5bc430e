package dev.qtserver.benchmarks;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;

import reactor.netty.DisposableServer;

/**
 * What the raw Reactor Netty baseline servers share: how they take their port and idiom,
 * and how they announce the port and run until killed.
 */
final class BaselineServers {

	private BaselineServers() {
	}

	/**
	 * Bind a baseline server as {@code args} say, print {@code LISTENING <port>} and keep
	 * the JVM alive until the process is killed. The arguments are {@code [port]} or
	 * {@code --port P} (default {@code defaultPort}), and
	 * {@code --idiom zero-copy|string} (default {@code zero-copy}).
	 * @param args the program arguments
	 * @param defaultPort the port when none is given
	 * @param bind binds the server on a port with an idiom
	 */
	static void serve(String[] args, int defaultPort, BiFunction<Integer, EchoIdiom, DisposableServer> bind)
			throws InterruptedException {
		serve(args, defaultPort, Set.of(), (options, port, idiom) -> bind.apply(port, idiom));
	}

	/**
	 * Bind a baseline server that takes options of its own besides the port and idiom, as
	 * {@link #serve(String[], int, BiFunction)} does.
	 * @param args the program arguments
	 * @param defaultPort the port when none is given
	 * @param own the names of the server's own options
	 * @param bind binds the server with the options, on a port, with an idiom
	 */
	static void serve(String[] args, int defaultPort, Set<String> own, Binder bind) throws InterruptedException {
		Set<String> known = new HashSet<>(own);
		known.addAll(Set.of("port", "idiom"));
		Options options = Options.parse(args, known);
		int port = options.positional().isEmpty() ? options.integer("port", defaultPort)
				: Integer.parseInt(options.positional().get(0));
		EchoIdiom idiom = EchoIdiom.of(options.string("idiom", EchoIdiom.ZERO_COPY.toString()));
		DisposableServer server = bind.bind(options, port, idiom);
		System.out.println("LISTENING " + server.port());
		System.out.flush();
		// the event loops are daemon threads: keep the JVM alive until it is killed
		new CountDownLatch(1).await();
	}

	/** Binds a baseline server. */
	@FunctionalInterface
	interface Binder {

		DisposableServer bind(Options options, int port, EchoIdiom idiom);

	}

}
