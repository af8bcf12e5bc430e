package dev.qtserver.websocket;

import dev.qtserver.core.QtServer;
import dev.qtserver.event.QtServerEvent;
import org.jspecify.annotations.Nullable;

/**
 * Published during each WebSocket handshake so that a listener can allow or deny the
 * client's origin: Qt's
 * {@code originAuthenticationRequired(QWebSocketCorsAuthenticator*)} signal, with the
 * authenticator folded into the event. It starts allowed when the server has no
 * {@code allowed-origins}, or when the origin is one of them; listeners run synchronously
 * (on a worker thread, never an event loop) and the last word wins. A denied handshake
 * gets HTTP 403.
 */
public class OriginAuthenticationRequiredEvent extends QtServerEvent {

	private final @Nullable String origin;

	private final String requestUri;

	private volatile boolean allowed;

	/**
	 * Create an event.
	 * @param server the server
	 * @param origin the {@code Origin} header, or {@code null} when the client sent none
	 * @param requestUri the request URI of the handshake
	 * @param allowed whether the origin is allowed before listeners have their say
	 */
	public OriginAuthenticationRequiredEvent(QtServer server, @Nullable String origin, String requestUri,
			boolean allowed) {
		super(server);
		this.origin = origin;
		this.requestUri = requestUri;
		this.allowed = allowed;
	}

	/**
	 * Return the client's origin.
	 * @return the {@code Origin} header, or {@code null} when the client sent none
	 */
	public @Nullable String getOrigin() {
		return this.origin;
	}

	/**
	 * Return the request URI of the handshake (path and query).
	 * @return the request URI
	 */
	public String getRequestUri() {
		return this.requestUri;
	}

	/**
	 * Return whether the origin is allowed so far.
	 * @return whether allowed
	 */
	public boolean isAllowed() {
		return this.allowed;
	}

	/**
	 * Allow or deny the origin, as Qt's {@code QWebSocketCorsAuthenticator::setAllowed}.
	 * @param allowed whether the handshake may go on
	 */
	public void setAllowed(boolean allowed) {
		this.allowed = allowed;
	}

}
