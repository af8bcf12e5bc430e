package dev.qtserver.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;

/**
 * The client side of one WebSocket opening handshake over a non-blocking
 * {@link SocketChannel}, for {@link IdleConnections}, which holds thousands of sessions
 * from one selector thread. The handshake is the same as the load generator's: Netty's
 * {@link WebSocketClientHandshaker} writes the request and checks the response (status
 * 101, {@code Sec-WebSocket-Accept}), through an {@link EmbeddedChannel} that only turns
 * HTTP messages into bytes and back; the bytes travel on the socket. Once the upgrade is
 * done, the embedded channel is dropped.
 */
final class WebSocketUpgrade {

	/** Enough for any upgrade response. */
	private static final int MAX_RESPONSE = 8192;

	private final WebSocketClientHandshaker handshaker;

	private final EmbeddedChannel http = new EmbeddedChannel(new HttpClientCodec(),
			new HttpObjectAggregator(MAX_RESPONSE));

	private final ByteBuffer readBuffer = ByteBuffer.allocate(1024);

	WebSocketUpgrade(URI uri) {
		this.handshaker = WebSocketClientConnection.newHandshaker(uri);
	}

	/**
	 * Write the upgrade request to a freshly connected channel.
	 * @throws IOException if it cannot be written whole at once (a new socket's buffer is
	 * empty)
	 */
	void sendRequest(SocketChannel channel) throws IOException {
		this.handshaker.handshake(this.http);
		ByteBuf request;
		while ((request = this.http.readOutbound()) != null) {
			try {
				ByteBuffer bytes = request.nioBuffer();
				channel.write(bytes);
				if (bytes.hasRemaining()) {
					throw new IOException("Upgrade request only partly written");
				}
			}
			finally {
				request.release();
			}
		}
	}

	/**
	 * Read what has come of the response.
	 * @return whether the whole response has been read, and it accepted the upgrade
	 * @throws IOException if the server closed, or refused the upgrade
	 */
	boolean readResponse(SocketChannel channel) throws IOException {
		this.readBuffer.clear();
		if (channel.read(this.readBuffer) < 0) {
			this.http.finishAndReleaseAll();
			throw new EOFException("Closed by the server during the upgrade");
		}
		this.readBuffer.flip();
		try {
			this.http.writeInbound(Unpooled.copiedBuffer(this.readBuffer));
			FullHttpResponse response = this.http.readInbound();
			if (response == null) {
				return false;
			}
			try {
				this.handshaker.finishHandshake(this.http, response);
				return true;
			}
			finally {
				response.release();
				this.http.finishAndReleaseAll();
			}
		}
		catch (RuntimeException ex) {
			this.http.finishAndReleaseAll();
			throw new IOException("Upgrade refused: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Send a close frame before the channel is closed, so the server sees a normal
	 * closure.
	 */
	static void sayGoodbye(SocketChannel channel) {
		ByteBuf frame = Unpooled.buffer(8);
		WebSocketClientConnection.writeCloseFrame(frame);
		try {
			channel.write(frame.nioBuffer());
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
