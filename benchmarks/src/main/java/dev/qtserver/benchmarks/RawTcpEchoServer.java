package dev.qtserver.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.LineBasedFrameDecoder;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The raw Reactor Netty baseline: a line echo server written the way a Reactor Netty user
 * would write it by hand, with no starter in between. The starter's annotated-handler
 * echo is measured against this.
 *
 * <p>
 * Usage: {@code RawTcpEchoServer [port]} or {@code --port P} (default 9100). Prints
 * {@code LISTENING <port>} once bound and runs until the process is killed.
 */
public final class RawTcpEchoServer {

	/** Same limit as the starter's default {@code max-frame-length} (64KB). */
	static final int MAX_LINE_LENGTH = 65536;

	private static final int DEFAULT_PORT = 9100;

	private RawTcpEchoServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		DisposableServer server = TcpServer.create()
			.port(BaselineServers.port(args, DEFAULT_PORT))
			// strip the delimiter and fail fast on an over-long line, as the starter's
			// line framing does
			.doOnConnection(
					(connection) -> connection.addHandlerLast(new LineBasedFrameDecoder(MAX_LINE_LENGTH, true, true)))
			.handle((in, out) -> out.send(in.receive().map((line) -> withNewline(line, out.alloc()))))
			.bindNow();
		BaselineServers.serveUntilKilled(server);
	}

	/**
	 * Copy the received line into a pooled buffer with room for the newline. For short
	 * lines a 65-byte copy is cheaper than a composite buffer of line plus delimiter, and
	 * it needs no {@code retain()}: Reactor Netty releases {@code line} after {@code map}
	 * has returned.
	 */
	private static ByteBuf withNewline(ByteBuf line, ByteBufAllocator alloc) {
		int length = line.readableBytes();
		ByteBuf reply = alloc.directBuffer(length + 1);
		reply.writeBytes(line, line.readerIndex(), length);
		reply.writeByte('\n');
		return reply;
	}

}
