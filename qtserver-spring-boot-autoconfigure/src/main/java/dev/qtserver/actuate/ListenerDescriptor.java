package dev.qtserver.actuate;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.qtserver.core.Addresses;
import dev.qtserver.core.ServerListener;

/**
 * One listening socket as health details and the {@code qtservers} endpoint show it.
 *
 * @param address the bound address and port, or the configured ones when not listening
 * @param port the bound port, 0 when not listening
 * @param listening whether it listens
 * @param paused whether accepting is paused
 */
public record ListenerDescriptor(String address, int port, boolean listening, boolean paused) {

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
		return new ListenerDescriptor(address, listener.serverPort(), listening, listener.isAcceptingPaused());
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
		return details;
	}

}
