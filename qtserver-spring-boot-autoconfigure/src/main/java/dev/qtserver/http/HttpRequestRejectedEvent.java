package dev.qtserver.http;

import java.net.InetSocketAddress;

import dev.qtserver.event.QtServerEvent;
import org.jspecify.annotations.Nullable;

/**
 * Published when an HTTP server refused a request before any handler saw it: malformed
 * (400), a request line too long (414), a header block too large or with too many fields
 * (431), a body over {@code max-body-size} (413). The client got that status with
 * {@code Connection: close}; the server and its other connections go on serving, and
 * {@code qtserver.connections.rejected{reason=bad_request}} counts it. Requests over the
 * rate limit (429) are counted, not published: a client over it would raise an event per
 * request.
 */
public class HttpRequestRejectedEvent extends QtServerEvent {

	private final int status;

	private final @Nullable InetSocketAddress remoteAddress;

	/**
	 * Create an event.
	 * @param server the server
	 * @param status the status the client got
	 * @param remoteAddress the client's address, {@code null} when unknown
	 */
	public HttpRequestRejectedEvent(QHttpServer server, int status, @Nullable InetSocketAddress remoteAddress) {
		super(server);
		this.status = status;
		this.remoteAddress = remoteAddress;
	}

	/**
	 * Return the status the client got.
	 * @return the status code, such as 400
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Return the client's address.
	 * @return the address, {@code null} when unknown
	 */
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.remoteAddress;
	}

}
