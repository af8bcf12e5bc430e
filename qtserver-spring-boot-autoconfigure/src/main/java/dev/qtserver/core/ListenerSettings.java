package dev.qtserver.core;

import java.net.InetSocketAddress;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where one listener of a server listens and whether it speaks TLS: a TCP or WebSocket
 * server has one, an HTTP server one per {@code listeners} entry.
 *
 * @param address the address and port; port 0 for any free port
 * @param tls how it speaks TLS (Qt's {@code QSslServer}), or {@code null} for plain TCP
 */
public record ListenerSettings(InetSocketAddress address, @Nullable TlsSettings tls) {

	/**
	 * Check the settings.
	 */
	public ListenerSettings {
		Objects.requireNonNull(address, "address");
	}

	/**
	 * A plain listener.
	 * @param address where it listens
	 * @return the settings
	 */
	public static ListenerSettings plain(InetSocketAddress address) {
		return new ListenerSettings(address, null);
	}

}
