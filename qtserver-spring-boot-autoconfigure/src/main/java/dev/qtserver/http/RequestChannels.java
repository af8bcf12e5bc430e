package dev.qtserver.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The channels a request comes on: an HTTP/1.1 connection itself, or one HTTP/2 stream of
 * a connection (h2c or h2), a channel of its own whose parent is the connection.
 */
final class RequestChannels {

	private RequestChannels() {
	}

	/**
	 * Return the connection a request came on: what the accept gate parks, the keep-alive
	 * timeout watches and TLS secures.
	 * @param channel the request's channel
	 * @return the connection
	 */
	static Channel connectionOf(Channel channel) {
		return isStream(channel) ? channel.parent() : channel;
	}

	/**
	 * Return whether a request's channel is an HTTP/2 stream, which carries one request
	 * and queues none behind it.
	 * @param channel the request's channel
	 * @return whether it is a stream
	 */
	static boolean isStream(Channel channel) {
		return channel instanceof Http2StreamChannel;
	}

}
