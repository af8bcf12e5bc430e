package dev.qtserver.benchmarks;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Spring WebFlux baseline for HTTP: a Spring Boot WebFlux application, on Boot's own
 * Reactor Netty server, whose annotated controller answers {@code GET /plaintext} with
 * {@code Hello, World!} as {@code text/plain}:
 * {@code @GetMapping(path = "/plaintext", produces = TEXT_PLAIN_VALUE) String plaintext()}.
 * It is what a Spring user writes today for the sample's annotated {@code @Route}. h2c is
 * on ({@code server.http2.enabled}: Boot then binds {@code HTTP11} and {@code H2C}, as
 * {@link RawHttpServer}).
 *
 * <p>
 * Usage: {@code WebFluxPlaintextServer [--server.port=P]} (default 9107), or any other
 * Boot property as an argument. Boot logs through {@code java.util.logging}, at
 * {@code INFO}, with its banner off.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(WebFluxPlaintextServer.PlaintextController.class)
public final class WebFluxPlaintextServer {

	private static final int DEFAULT_PORT = 9107;

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(WebFluxPlaintextServer.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.setDefaultProperties(
				Map.of("server.port", DEFAULT_PORT, "server.http2.enabled", true, "spring.main.banner-mode", "off"));
		application.run(args);
	}

	/**
	 * The controller, imported rather than scanned: the jar holds other applications.
	 */
	@RestController
	static final class PlaintextController {

		@GetMapping(path = RawHttpServer.PATH, produces = MediaType.TEXT_PLAIN_VALUE)
		String plaintext() {
			return RawHttpServer.BODY;
		}

	}

}
