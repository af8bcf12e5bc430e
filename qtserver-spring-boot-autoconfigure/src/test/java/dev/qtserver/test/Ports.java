package dev.qtserver.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the ports servers listen on.
 */
public final class Ports {

	private Ports() {
	}

	/**
	 * Assert that nothing listens on a loopback port any more, by binding it again. A
	 * connect attempt cannot prove it: on loopback the client may be given the freed port
	 * as its own and connect to itself.
	 * @param port the port a closed listener had
	 */
	public static void assertReleased(int port) {
		try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			assertThat(rebound.getLocalPort()).isEqualTo(port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Port " + port + " is still taken", ex);
		}
	}

}
