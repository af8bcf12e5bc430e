package dev.qtserver.http;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import reactor.netty.channel.ChannelOperations;

/**
 * Whether a request's response may reach Reactor Netty within the call that handed the
 * request over, on the event loop, as a {@code Mono.just} reply does in a plain Reactor
 * Netty server, or must go in an event-loop task of its own.
 *
 * <p>
 * Reactor Netty 1.3.6 and 1.3.7 stop reading a connection when a request they
 * <em>queued</em> is answered within the call that hands it over
 * (reactor/reactor-netty#4361; see {@link QHttpServerResponder}). They queue a request
 * only when it arrives while an earlier one on the connection is not wound up yet: a
 * response still to come, or still being written. So a connection on which every request
 * so far was wound up within its own call has nothing queued, and its next request may be
 * answered at once; the first request that is not (answered later, from a worker, or
 * written while the client reads slowly) marks the connection, and from then on its
 * responses take the task of their own. The common case, a keep-alive client of a route
 * that answers on the event loop, pays no extra task; HTTP/2 streams are channels of
 * their own and never queue.
 */
final class InlineAnswers {

	private static final AttributeKey<Boolean> ANSWERED_LATE = AttributeKey
		.valueOf(InlineAnswers.class.getName() + ".answeredLate");

	private InlineAnswers() {
	}

	/**
	 * Return whether a request of the connection, dispatched now, may be answered within
	 * the call that handed it over.
	 * @param channel the request's channel
	 * @return whether on its event loop and nothing can be queued on it
	 */
	static boolean allowed(Channel channel) {
		return channel.eventLoop().inEventLoop() && !channel.hasAttr(ANSWERED_LATE);
	}

	/**
	 * A request of the connection was not wound up within its own call: Reactor Netty may
	 * have queued the next one.
	 * @param channel the request's channel
	 */
	static void answeredLate(Channel channel) {
		if (RequestChannels.isStream(channel)) {
			// one request per stream, nothing queued behind it: marking it would only
			// give every stream an attribute map
			return;
		}
		channel.attr(ANSWERED_LATE).set(Boolean.TRUE);
	}

	/**
	 * Reactor Netty was told, within its call, that a request is done: mark the
	 * connection unless that wound the request up at once (it does not when the last
	 * write is still waiting for the client to read).
	 * @param channel the request's channel
	 * @param operations the request's operations (its {@code HttpServerResponse})
	 */
	static void toldInline(Channel channel, Object operations) {
		if (ChannelOperations.get(channel) == operations) {
			answeredLate(channel);
		}
	}

}
