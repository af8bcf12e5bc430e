package dev.qtserver.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the ports servers listen on.
 */
public final class Ports {

	/** How long a port may stay taken after its listener closed. */
	private static final Duration RELEASE_WAIT = Duration.ofSeconds(2);

	private static final Duration RETRY_PAUSE = Duration.ofMillis(20);

	private Ports() {
	}

	/**
	 * Assert that nothing listens on a loopback port any more, by binding it again. A
	 * connect attempt cannot prove it: on loopback the client may be given the freed port
	 * as its own and connect to itself. For the same reason a bind may fail for a moment
	 * after the listener is gone, when a short-lived connection elsewhere was just given
	 * the freed port as its own (the ephemeral range holds the ports servers get for port
	 * 0): the bind is tried again for up to {@link #RELEASE_WAIT}, and the last failure
	 * is reported.
	 * @param port the port a closed listener had
	 */
	public static void assertReleased(int port) {
		long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
		while (true) {
			try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
				assertThat(rebound.getLocalPort()).isEqualTo(port);
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw new UncheckedIOException("Port " + port + " is still taken", ex);
				}
			}
			// whoever holds the port is not ours to watch: try again shortly
			LockSupport.parkNanos(RETRY_PAUSE.toNanos());
		}
	}

}
