package dev.qtserver.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.jspecify.annotations.Nullable;

/**
 * A load-generating TCP connection whose messages are lines: the content and a
 * {@code \n}.
 *
 * <p>
 * The framing is done here rather than with a {@code LineBasedFrameDecoder} so the client
 * allocates nothing per message and stays cheaper than the server it measures.
 *
 * <p>
 * Given a {@link TlsClient}, the lines go over TLS: the connection carries messages once
 * its handshake is done, not once it is connected.
 */
final class LineClientConnection extends EchoClientConnection {

	/** A reply as received, to compare; a longer one is cut. */
	private final byte[] received;

	/** The start of a reply split across reads; longer replies are mismatches anyway. */
	private final byte[] partial;

	private int partialLength;

	private boolean skippingOverlongLine;

	private final @Nullable TlsClient tls;

	private final int port;

	private final long handshakeTimeoutMillis;

	private @Nullable SslHandler ssl;

	LineClientConnection(int id, LoadCounters counters, int inflight, int contentLength) {
		this(id, counters, inflight, contentLength, null, 0, 0);
	}

	/**
	 * @param tls the TLS client, {@code null} for plain TCP
	 * @param port the server's port, for the TLS session cache's key
	 * @param handshakeTimeoutMillis how long the TLS handshake may take
	 */
	LineClientConnection(int id, LoadCounters counters, int inflight, int contentLength, @Nullable TlsClient tls,
			int port, long handshakeTimeoutMillis) {
		super(id, counters, inflight, contentLength);
		this.received = new byte[contentLength];
		this.partial = new byte[contentLength + 1];
		this.tls = tls;
		this.port = port;
		this.handshakeTimeoutMillis = handshakeTimeoutMillis;
	}

	@Override
	void initChannel(Channel channel) {
		super.initChannel(channel);
		TlsClient client = this.tls;
		if (client != null) {
			this.ssl = client.addTo(channel, this.port, this.handshakeTimeoutMillis);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		if (this.tls == null) {
			markReady();
		}
		ctx.fireChannelActive();
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		TlsClient client = this.tls;
		SslHandler handler = this.ssl;
		if (event instanceof SslHandshakeCompletionEvent completion && client != null && handler != null) {
			if (completion.isSuccess()) {
				client.negotiated(handler.engine().getSession());
				markReady();
			}
			else {
				fail(ctx, "TLS handshake failed: " + completion.cause());
			}
		}
		ctx.fireUserEventTriggered(event);
	}

	@Override
	void decode(ChannelHandlerContext ctx, ByteBuf in, long now) {
		while (in.isReadable()) {
			int start = in.readerIndex();
			int newline = in.indexOf(start, in.writerIndex(), (byte) '\n');
			if (newline < 0) {
				keepPartial(in, start, in.writerIndex() - start);
				in.readerIndex(in.writerIndex());
				break;
			}
			int length = newline - start;
			if (this.partialLength == 0 && !this.skippingOverlongLine) {
				int copied = Math.min(length, this.received.length);
				in.getBytes(start, this.received, 0, copied);
				onReply(ctx, this.received, length, now);
			}
			else {
				keepPartial(in, start, length);
				onPartialLine(ctx, now);
			}
			in.readerIndex(newline + 1);
		}
	}

	@Override
	int framedLength() {
		return contentLength() + 1;
	}

	@Override
	void encode(ByteBuf out, byte[] content) {
		out.writeBytes(content).writeByte('\n');
	}

	private void onPartialLine(ChannelHandlerContext ctx, long now) {
		// a line that was longer than the buffer has lost its tail; its length makes it a
		// mismatch
		int length = this.skippingOverlongLine ? OVERLONG : this.partialLength;
		this.skippingOverlongLine = false;
		this.partialLength = 0;
		onReply(ctx, this.partial, length, now);
	}

	private void keepPartial(ByteBuf in, int start, int length) {
		if (this.skippingOverlongLine) {
			return;
		}
		if (this.partialLength + length > this.partial.length) {
			this.skippingOverlongLine = true;
			return;
		}
		in.getBytes(start, this.partial, this.partialLength, length);
		this.partialLength += length;
	}

}
