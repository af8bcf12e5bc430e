package dev.qtserver.benchmarks;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

/**
 * The Spring WebFlux baseline for WebSocket: a Spring Boot WebFlux application, on Boot's
 * own Reactor Netty server, whose {@link WebSocketHandler} on {@code /echo} sends each
 * message back as a text message,
 * {@code session.send(session.receive().map((msg) -> session.textMessage(msg.getPayloadAsText())))},
 * as the Spring Framework reference shows it. The handler is mapped with a
 * {@link SimpleUrlHandlerMapping}; Boot's auto-configuration does the rest.
 *
 * <p>
 * Usage: {@code WebFluxWebSocketEchoServer [--server.port=P]} (default 9105), or any
 * other Boot property as an argument. Boot logs through {@code java.util.logging}, at
 * {@code INFO}, with its banner off.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public final class WebFluxWebSocketEchoServer {

	private static final int DEFAULT_PORT = 9105;

	@Bean
	HandlerMapping echoHandlerMapping() {
		WebSocketHandler echo = (session) -> session
			.send(session.receive().map((message) -> session.textMessage(message.getPayloadAsText())));
		// ahead of the annotated controllers' mapping, as in Spring's reference
		return new SimpleUrlHandlerMapping(Map.of(RawWebSocketEchoServer.PATH, echo), -1);
	}

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(WebFluxWebSocketEchoServer.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(Map.of("server.port", DEFAULT_PORT, "spring.main.banner-mode", "off"));
		application.run(args);
	}

}
