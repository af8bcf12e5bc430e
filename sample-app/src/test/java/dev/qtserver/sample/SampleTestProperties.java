package dev.qtserver.sample;

/**
 * The properties every sample test starts the application with: each server on port 0, so
 * the tests run beside a sample app that is running, and beside each other.
 */
final class SampleTestProperties {

	/**
	 * Every server of {@code application.yml} on a port of the operating system's choice.
	 * The HTTP server {@code web} has listeners, so its own port is not used: each
	 * listener gets port 0. Spring Boot binds a list from the one property source that
	 * sets any of its elements, so these entries replace the listeners of
	 * {@code application.yml} whole, and the secure one names its SSL bundle again.
	 */
	static final String EPHEMERAL_PORTS = """
			qtserver.tcp.echo.port=0
			qtserver.tcp.fast-echo.port=0
			qtserver.tcp.tls-echo.port=0
			qtserver.websocket.chat.port=0
			qtserver.websocket.ws-echo.port=0
			qtserver.websocket.secure-chat.port=0
			qtserver.http.web.listeners[0].port=0
			qtserver.http.web.listeners[1].port=0
			qtserver.http.web.listeners[1].ssl.bundle=dev
			""";

	private SampleTestProperties() {
	}

}
