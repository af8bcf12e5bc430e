package dev.qtserver.actuate;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.qtserver.core.Addresses;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.ServerListener;

import org.jspecify.annotations.Nullable;

/**
 * One listening socket as health details and the {@code qtservers} endpoint show it.
 *
 * @param address the bound address and port, or the configured ones when not listening
 * @param port the bound port, 0 when not listening
 * @param listening whether it listens
 * @param paused whether accepting is paused
 * @param sslBundle the SSL bundle of a secure listener (Qt's {@code QSslServer}), or
 * {@code null} for plain TCP
 */
public record ListenerDescriptor(String address, int port, boolean listening, boolean paused,
		@Nullable String sslBundle) {

	/**
	 * Describe a listener as it is now.
	 * @param listener the listener
	 * @return its description
	 */
	public static ListenerDescriptor of(ServerListener listener) {
		boolean listening = listener.isListening();
		InetSocketAddress configured = listener.configuredAddress();
		String address = listening ? Addresses.describe(listener.serverAddress(), listener.serverPort())
				: Addresses.describe(configured.getAddress(), configured.getPort());
		ListenerTls tls = listener.tls();
		return new ListenerDescriptor(address, listener.serverPort(), listening, listener.isAcceptingPaused(),
				(tls != null) ? tls.settings().bundle() : null);
	}

	/**
	 * Return the description as health details.
	 * @return the fields by name
	 */
	Map<String, Object> toMap() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("address", this.address);
		details.put("port", this.port);
		details.put("listening", this.listening);
		details.put("paused", this.paused);
		details.put("secure", this.sslBundle != null);
		if (this.sslBundle != null) {
			details.put("sslBundle", this.sslBundle);
		}
		return details;
	}

}
