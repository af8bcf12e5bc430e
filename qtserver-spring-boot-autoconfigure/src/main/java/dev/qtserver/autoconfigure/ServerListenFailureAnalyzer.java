package dev.qtserver.autoconfigure;

import dev.qtserver.core.Addresses;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a server that could not listen at startup: which server (and which of its
 * listeners, when it has several), on which address and port, why, and what to change.
 */
class ServerListenFailureAnalyzer extends AbstractFailureAnalyzer<ServerListenException> {

	private final Environment environment;

	/**
	 * Create the analyzer.
	 * @param environment where the server's properties came from: a server given a list
	 * of listeners (even of one) is fixed through that list, not its own port
	 */
	ServerListenFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ServerListenException cause) {
		QtServer server = cause.getServer();
		ServerListener listener = cause.getListener();
		String where = Addresses.describe(cause.getAddress(), cause.getPort());
		String prefix = "qtserver." + server.kind().id() + "." + server.name();
		boolean listed = server.listeners().size() > 1 || configuresListeners(prefix);
		String property = prefix + (listed ? ".listeners[" + listener.index() + "]" : "");
		String description = listener.description() + " failed to listen on " + where + ": " + listener.errorString()
				+ ".";
		return new FailureAnalysis(description, action(cause.getError(), cause.getPort(), property), cause);
	}

	private boolean configuresListeners(String prefix) {
		// a server's name may be a map key no property name can spell (myApi)
		ConfigurationPropertyName listeners = ConfigurationPropertyName.ofIfValid(prefix + ".listeners");
		if (listeners == null) {
			return false;
		}
		for (var source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& iterable.stream().anyMatch(listeners::isAncestorOf)) {
				return true;
			}
		}
		return false;
	}

	private static String action(SocketError error, int port, String property) {
		return switch (error) {
			case ADDRESS_IN_USE -> "Identify and stop the process that is listening on port " + port + ", or set "
					+ property + ".port to another port (0 picks a free one).";
			case SOCKET_ADDRESS_NOT_AVAILABLE -> "Set " + property
					+ ".address to an address of this host, or leave it unset to listen on every address.";
			case SOCKET_ACCESS -> "Ports below 1024 need privileges: set " + property
					+ ".port to a port above 1023, or grant the process the right to bind it.";
			default -> "Check " + property + ".address and " + property + ".port.";
		};
	}

}
