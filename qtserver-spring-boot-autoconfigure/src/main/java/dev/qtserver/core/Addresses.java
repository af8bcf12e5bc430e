package dev.qtserver.core;

import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

/**
 * Formats listening addresses for logs and reports. The wildcard address shows as
 * {@code *}: on Linux's native transport a server asked for {@code 0.0.0.0} binds the
 * dual-stack {@code ::}, and either way it listens on every address (Qt's
 * {@code QHostAddress::Any}).
 */
public final class Addresses {

	private Addresses() {
	}

	/**
	 * Describe an address and port as {@code host:port}.
	 * @param address the address, or {@code null} when unknown
	 * @param port the port
	 * @return the description, such as {@code 127.0.0.1:9000} or {@code *:9000}
	 */
	public static String describe(@Nullable InetAddress address, int port) {
		if (address == null || address.isAnyLocalAddress()) {
			return "*:" + port;
		}
		String host = address.getHostAddress();
		return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
	}

}
