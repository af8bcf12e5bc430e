package dev.qtserver.actuate;

import dev.qtserver.actuate.QtServersEndpoint.ServersDescriptor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code qtservers} endpoint's write operation over HTTP: an unknown server or
 * connection is a 404 (a write operation that returns nothing would be a 204).
 */
@EndpointWebExtension(endpoint = QtServersEndpoint.class)
public class QtServersEndpointWebExtension {

	private final QtServersEndpoint delegate;

	/**
	 * Create an extension.
	 * @param delegate the endpoint it extends
	 */
	public QtServersEndpointWebExtension(QtServersEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Act on the servers of one name, as {@link QtServersEndpoint#act}.
	 * @param name the server name
	 * @param action {@code pause}, {@code resume} or {@code close-connection}
	 * @param connectionId the connection to close, for {@code close-connection}
	 * @return the servers after the action, or 404 when there is no server of that name
	 * or no such connection
	 */
	@WriteOperation
	public WebEndpointResponse<ServersDescriptor> act(@Selector String name, String action,
			@Nullable Long connectionId) {
		ServersDescriptor servers = this.delegate.act(name, action, connectionId);
		return (servers != null) ? new WebEndpointResponse<>(servers)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
