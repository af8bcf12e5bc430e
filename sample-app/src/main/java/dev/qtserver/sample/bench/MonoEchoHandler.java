package dev.qtserver.sample.bench;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Profile;

/**
 * The benchmark's server {@code mono-echo}: the sample's echo returning a {@code Mono},
 * so that it runs on the connection's event loop by its signature alone.
 */
@Profile("bench")
@QtHandler(server = "mono-echo")
class MonoEchoHandler {

	@OnMessage
	Mono<String> echo(String line) {
		return Mono.just(line);
	}

}
