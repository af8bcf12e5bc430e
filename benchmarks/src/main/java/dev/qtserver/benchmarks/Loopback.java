package dev.qtserver.benchmarks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The harness only ever loads servers on this machine: every target and source address is
 * checked to be a loopback address before anything connects.
 */
final class Loopback {

	private Loopback() {
	}

	/**
	 * @return the resolved address
	 * @throws IllegalArgumentException if {@code host} does not resolve to a loopback
	 * address
	 */
	static InetAddress require(String host) {
		try {
			InetAddress address = InetAddress.getByName(host);
			if (!address.isLoopbackAddress()) {
				throw new IllegalArgumentException(
						host + " is not a loopback address; the harness loads local servers only");
			}
			return address;
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Unknown host " + host, ex);
		}
	}

}
