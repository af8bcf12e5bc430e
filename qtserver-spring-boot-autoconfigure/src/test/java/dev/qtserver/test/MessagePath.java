package dev.qtserver.test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.qtserver.handler.AnnotatedMessageFlow;
import dev.qtserver.handler.NonBlocking;
import dev.qtserver.handler.OnMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.provider.Arguments;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The ways a message reaches a peer, whatever the server kind, for tests that follow each
 * one: the handlers that reply on each path (replies are the request prefixed with
 * {@code re:}), and the message counts worth trying.
 */
public enum MessagePath {

	/** An {@link OnMessage} method's return value, on the connection's worker. */
	HANDLER_RETURN,

	/** The same on the event loop, for a {@link NonBlocking} handler. */
	NON_BLOCKING_RETURN,

	/** A {@link Publisher} of replies. */
	HANDLER_STREAM,

	/**
	 * A {@code Mono} reply, on the event loop (by signature), completing on another
	 * thread.
	 */
	HANDLER_MONO,

	/** {@code send} from an {@link OnMessage} method, on its own connection. */
	HANDLER_SEND,

	/** {@code send} from the application, on a connection it took: no handler. */
	APPLICATION_SEND;

	/**
	 * Return every path with message counts at the edges of the flow's read-ahead.
	 * @return the path and count of each case
	 */
	public static Stream<Arguments> withCounts() {
		int prefetch = AnnotatedMessageFlow.PREFETCH;
		List<Arguments> cases = new ArrayList<>();
		for (MessagePath path : values()) {
			for (int count : List.of(1, prefetch - 1, prefetch, prefetch + 1)) {
				cases.add(Arguments.of(path, count));
			}
		}
		return cases.stream();
	}

	/**
	 * Return the handler to bind for this path.
	 * @param sender the server kind's handler that answers through its connection's
	 * {@code send}
	 * @return the handler, or {@code null} when the application takes the connection
	 */
	public @Nullable Object handler(Object sender) {
		return switch (this) {
			case HANDLER_RETURN -> new Returning();
			case NON_BLOCKING_RETURN -> new NonBlockingReturning();
			case HANDLER_STREAM -> new Streaming();
			case HANDLER_MONO -> new LaterReturning();
			case HANDLER_SEND -> sender;
			case APPLICATION_SEND -> null;
		};
	}

	/**
	 * Return what the peer gets for a message sent on this path.
	 * @param message the request, or what the application sends
	 * @return the reply
	 */
	public String expectedReply(String message) {
		return (this != APPLICATION_SEND) ? reply(message) : message;
	}

	/**
	 * Return a handler's reply to a message.
	 * @param message the message
	 * @return the reply
	 */
	public static String reply(String message) {
		return "re:" + message;
	}

	/** Replies with its return value. */
	public static class Returning {

		@OnMessage
		String reply(String message) {
			return MessagePath.reply(message);
		}

	}

	/** Replies with its return value, on the event loop. */
	@NonBlocking
	public static class NonBlockingReturning {

		@OnMessage
		String reply(String message) {
			return MessagePath.reply(message);
		}

	}

	/** Replies with a stream of one reply. */
	public static class Streaming {

		@OnMessage
		Publisher<String> reply(String message) {
			return Flux.just(MessagePath.reply(message));
		}

	}

	/** Replies with a {@code Mono} that completes on another thread. */
	public static class LaterReturning {

		@OnMessage
		Mono<String> reply(String message) {
			return Mono.just(MessagePath.reply(message)).publishOn(Schedulers.parallel());
		}

	}

}
