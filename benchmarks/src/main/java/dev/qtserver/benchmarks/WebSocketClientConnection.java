package dev.qtserver.benchmarks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * A load-generating WebSocket connection whose messages are text frames. The upgrade is
 * Netty's ({@link HttpClientCodec}, {@link HttpObjectAggregator} and a
 * {@link WebSocketClientHandshaker}, which checks the server's
 * {@code Sec-WebSocket-Accept}); after it, the frames are written and parsed here, into
 * and out of the connection's buffers, so the client allocates nothing per message and
 * stays cheaper than the server it measures. Every frame it sends is masked with a fresh
 * random key, as RFC 6455 asks of clients, so the server unmasks as it would for any
 * browser.
 */
final class WebSocketClientConnection extends EchoClientConnection {

	/**
	 * The largest frame accepted from the server: the starter's default max-frame-size,
	 * 64KB.
	 */
	private static final int MAX_FRAME_PAYLOAD = 65536;

	private static final int MAX_HANDSHAKE_RESPONSE = 8192;

	private static final int FIN = 0x80;

	private static final int MASKED = 0x80;

	private static final int OPCODE_TEXT = 0x1;

	private static final int OPCODE_CLOSE = 0x8;

	/** Close status 1000, normal closure. */
	private static final int NORMAL_CLOSURE = 1000;

	private final WebSocketClientHandshaker handshaker;

	/** The bytes before the payload of each frame sent: opcode, length, mask key. */
	private final int headerLength;

	/** A reply's payload as received, to compare; a longer one is cut. */
	private final byte[] received;

	/** The content of a frame being sent, masked. */
	private final byte[] masked;

	/** A frame split across reads, until the rest has come. */
	private @Nullable ByteBuf cumulation;

	WebSocketClientConnection(int id, LoadCounters counters, int inflight, int contentLength, URI uri) {
		super(id, counters, inflight, contentLength);
		this.handshaker = newHandshaker(uri);
		this.headerLength = ((contentLength < 126) ? 2 : 4) + 4;
		this.received = new byte[contentLength];
		this.masked = new byte[contentLength];
	}

	/** {@code ws://host:port/path} */
	static URI uri(String host, int port, String path) {
		return URI.create("ws://" + host + ":" + port + (path.startsWith("/") ? path : "/" + path));
	}

	/** The client side of a version 13 upgrade, no subprotocol, no extensions. */
	static WebSocketClientHandshaker newHandshaker(URI uri) {
		return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
				EmptyHttpHeaders.INSTANCE, MAX_FRAME_PAYLOAD);
	}

	/** Append a masked close frame with status 1000, normal closure. */
	static void writeCloseFrame(ByteBuf out) {
		int mask = ThreadLocalRandom.current().nextInt();
		out.writeByte(FIN | OPCODE_CLOSE).writeByte(MASKED | 2).writeInt(mask);
		out.writeShort(NORMAL_CLOSURE ^ (mask >>> 16));
	}

	@Override
	void initChannel(Channel channel) {
		channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
		super.initChannel(channel);
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.handshaker.handshake(ctx.channel()).addListener((ChannelFutureListener) (future) -> {
			if (!future.isSuccess()) {
				fail(ctx, "upgrade request failed: " + future.cause());
			}
		});
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.handshaker.isHandshakeComplete()) {
			super.channelRead(ctx, msg);
			return;
		}
		try {
			if (!(msg instanceof FullHttpResponse response)) {
				fail(ctx, "expected the upgrade response, got " + msg.getClass().getSimpleName());
				return;
			}
			this.handshaker.finishHandshake(ctx.channel(), response);
		}
		catch (RuntimeException ex) {
			fail(ctx, "upgrade refused: " + ex.getMessage());
			return;
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
		// the frames are framed here: take out the frame codecs the handshaker put in
		removeFrameCodecs(ctx.pipeline());
		markReady();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		ByteBuf partial = this.cumulation;
		if (partial != null) {
			this.cumulation = null;
			partial.release();
		}
		super.channelInactive(ctx);
	}

	@Override
	void decode(ChannelHandlerContext ctx, ByteBuf in, long now) {
		ByteBuf buffer = in;
		ByteBuf partial = this.cumulation;
		if (partial != null) {
			partial.writeBytes(in);
			buffer = partial;
		}
		while (buffer.readableBytes() >= 2) {
			int start = buffer.readerIndex();
			int available = buffer.readableBytes();
			int first = buffer.getUnsignedByte(start);
			int second = buffer.getUnsignedByte(start + 1);
			long payloadLength = second & 0x7f;
			int header = 2;
			if (payloadLength == 126) {
				if (available < 4) {
					break;
				}
				payloadLength = buffer.getUnsignedShort(start + 2);
				header = 4;
			}
			else if (payloadLength == 127) {
				if (available < 10) {
					break;
				}
				payloadLength = buffer.getLong(start + 2);
				header = 10;
			}
			if ((second & MASKED) != 0) {
				fail(ctx, "the server sent a masked frame");
				return;
			}
			if (payloadLength < 0 || payloadLength > MAX_FRAME_PAYLOAD) {
				fail(ctx, "the server sent a frame of " + payloadLength + " bytes");
				return;
			}
			int length = (int) payloadLength;
			if (available < header + length) {
				break;
			}
			onFrame(ctx, first, buffer, start + header, length, now);
			buffer.readerIndex(start + header + length);
		}
		keepRest(ctx, buffer);
	}

	@Override
	int framedLength() {
		return this.headerLength + contentLength();
	}

	@Override
	void encode(ByteBuf out, byte[] content) {
		out.writeByte(FIN | OPCODE_TEXT);
		if (content.length < 126) {
			out.writeByte(MASKED | content.length);
		}
		else {
			out.writeByte(MASKED | 126);
			out.writeShort(content.length);
		}
		int mask = ThreadLocalRandom.current().nextInt();
		out.writeInt(mask);
		byte[] maskBytes = { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask };
		for (int i = 0; i < content.length; i++) {
			this.masked[i] = (byte) (content[i] ^ maskBytes[i & 3]);
		}
		out.writeBytes(this.masked, 0, content.length);
	}

	/** Send a close frame; the server answers with its own and closes the connection. */
	@Override
	void closeGracefully(ChannelHandlerContext ctx) {
		ByteBuf close = ctx.alloc().buffer(8);
		writeCloseFrame(close);
		ctx.writeAndFlush(close);
	}

	private void onFrame(ChannelHandlerContext ctx, int first, ByteBuf buffer, int offset, int length, long now) {
		int opcode = first & 0x0f;
		if (opcode == OPCODE_TEXT && (first & FIN) != 0) {
			buffer.getBytes(offset, this.received, 0, Math.min(length, this.received.length));
			onReply(ctx, this.received, length, now);
		}
		else if (opcode == OPCODE_CLOSE) {
			if (!closing()) {
				int status = (length >= 2) ? buffer.getUnsignedShort(offset) : -1;
				fail(ctx,
						"closed by the server with status " + status + " and " + outstanding() + " messages in flight");
			}
			ctx.close();
		}
		else {
			fail(ctx, "unexpected frame: opcode " + opcode + ((first & FIN) != 0 ? "" : ", not final"));
		}
	}

	/** Keep what is left of the buffer, the start of a frame, until the next read. */
	private void keepRest(ChannelHandlerContext ctx, ByteBuf buffer) {
		ByteBuf partial = this.cumulation;
		if (!buffer.isReadable()) {
			if (partial != null) {
				this.cumulation = null;
				partial.release();
			}
			return;
		}
		if (partial == null) {
			partial = ctx.alloc().heapBuffer(Math.max(buffer.readableBytes(), 2 * framedLength()));
			partial.writeBytes(buffer);
			this.cumulation = partial;
		}
		else {
			partial.discardReadBytes();
		}
	}

	private static void removeFrameCodecs(ChannelPipeline pipeline) {
		List<ChannelHandler> codecs = new ArrayList<>();
		for (Map.Entry<String, ChannelHandler> entry : pipeline) {
			ChannelHandler handler = entry.getValue();
			if (handler instanceof WebSocketFrameDecoder || handler instanceof WebSocketFrameEncoder) {
				codecs.add(handler);
			}
		}
		codecs.forEach(pipeline::remove);
	}

}
