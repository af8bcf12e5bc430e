package dev.qtserver.ssl;

import java.net.InetSocketAddress;

import dev.qtserver.core.QtServer;

/**
 * Base class of the alert signals: a TLS alert the server sent or received, with its
 * level, type and the TLS engine's description.
 */
public abstract class TlsAlertEvent extends SslConnectionEvent {

	private final AlertLevel level;

	private final AlertType type;

	private final String description;

	/**
	 * Create an event.
	 * @param server the server
	 * @param connectionId the connection's id
	 * @param peerAddress the client's address
	 * @param level the alert's level
	 * @param type the alert's type
	 * @param description what the TLS engine said
	 */
	protected TlsAlertEvent(QtServer server, long connectionId, InetSocketAddress peerAddress, AlertLevel level,
			AlertType type, String description) {
		super(server, connectionId, peerAddress);
		this.level = level;
		this.type = type;
		this.description = description;
	}

	/**
	 * Return the alert's level.
	 * @return the level
	 */
	public AlertLevel getLevel() {
		return this.level;
	}

	/**
	 * Return the alert's type.
	 * @return the type
	 */
	public AlertType getType() {
		return this.type;
	}

	/**
	 * Return what the TLS engine said.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	@Override
	public String toString() {
		return super.toString() + "[" + this.level + " " + this.type.tlsName() + "]";
	}

}
