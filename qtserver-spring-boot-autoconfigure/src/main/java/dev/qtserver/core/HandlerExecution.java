package dev.qtserver.core;

/**
 * Where handler methods run, for every handler of the application
 * ({@code qtserver.handlers.execution}). Annotations on a handler class or method
 * ({@code @Blocking}, {@code @NonBlocking}) override it.
 */
public enum HandlerExecution {

	/**
	 * By signature, as Spring WebFlux, Quarkus and Micronaut decide it: a method
	 * returning a {@code Publisher} (such as {@code Mono} or {@code Flux}) or a
	 * {@code CompletionStage} runs on the connection's event loop; any other method may
	 * block, so it runs on a worker.
	 */
	AUTO,

	/**
	 * Every handler method runs on the connection's event loop; none may block.
	 */
	EVENT_LOOP,

	/**
	 * Every handler method runs on a worker, whatever it returns.
	 */
	WORKER

}
