package dev.qtserver.sample.bench;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Profile;

/**
 * The benchmark's server {@code tls-mono-echo}: the echo of {@link MonoEchoHandler}
 * behind the development bundle, so that TLS is measured on the same event-loop path as
 * raw Reactor Netty's echo over TLS.
 */
@Profile("bench")
@QtHandler(server = "tls-mono-echo")
class TlsMonoEchoHandler {

	@OnMessage
	Mono<String> echo(String line) {
		return Mono.just(line);
	}

}
