package dev.qtserver.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.BiFunction;

import io.netty.handler.codec.LineBasedFrameDecoder;
import org.reactivestreams.Publisher;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.tcp.TcpServer;

/**
 * The raw Reactor Netty baseline for TCP: a line echo written by hand with Reactor Netty,
 * with no starter in between, in either {@link EchoIdiom}. The starter's
 * annotated-handler echo is measured against both.
 *
 * <p>
 * Both idioms frame with a {@code LineBasedFrameDecoder} that keeps the delimiter and
 * fails fast on a line over 64KB (the starter's default {@code max-frame-length}), so
 * each line goes back with the {@code \n} it came with and nothing has to re-add it:
 * <ul>
 * <li>{@code zero-copy}: {@code out.send(in.receive().retain())}. Each line is a retained
 * slice of the read buffer, written back as it is; nothing is copied or allocated per
 * line.
 * <li>{@code string}: {@code out.sendString(in.receive().asString(UTF_8), UTF_8)}. Each
 * line is decoded to a {@code String} (its {@code \n} included) and encoded into a new
 * pooled buffer: one decode and one encode per line, as a {@code String} handler's round
 * trip, without a concatenation to re-add the delimiter.
 * </ul>
 * Before the two idioms, this baseline stripped the delimiter and copied each line into a
 * new buffer with a {@code \n}: neither idiom, but a byte-level echo with one 65-byte
 * copy, so closer to zero-copy than to string.
 *
 * <p>
 * With {@code --block D} (a duration such as {@code 1ms}) it is the baseline for a
 * handler that blocks: the {@code string} echo with each line first handed to
 * {@code Schedulers.boundedElastic()} by {@code publishOn} and slept on there for
 * {@code D}, Reactor's documented way of running blocking code: {@code
 * out.sendString(in.receive().asString(UTF_8).publishOn(boundedElastic()).map(sleep), UTF_8)}.
 *
 * <p>
 * Usage: {@code RawTcpEchoServer [port] [--idiom zero-copy|string] [--block D]} or
 * {@code --port P} (default 9100, zero-copy). Prints {@code LISTENING <port>} once bound
 * and runs until the process is killed.
 */
public final class RawTcpEchoServer {

	/** Same limit as the starter's default {@code max-frame-length} (64KB). */
	static final int MAX_LINE_LENGTH = 65536;

	private static final int DEFAULT_PORT = 9100;

	private RawTcpEchoServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		BaselineServers.serve(args, DEFAULT_PORT, Set.of("block"), (options, port, idiom) -> {
			Duration block = options.duration("block", Duration.ZERO);
			return TcpServer.create()
				.port(port)
				.doOnConnection((connection) -> connection
					.addHandlerLast(new LineBasedFrameDecoder(MAX_LINE_LENGTH, false, true)))
				.handle(block.isZero() ? echo(idiom) : blockingEcho(idiom, block))
				.bindNow();
		});
	}

	private static BiFunction<NettyInbound, NettyOutbound, Publisher<Void>> blockingEcho(EchoIdiom idiom,
			Duration block) {
		if (idiom != EchoIdiom.STRING) {
			throw new IllegalArgumentException("--block goes with --idiom string");
		}
		return (in, out) -> out.sendString(
				in.receive().asString(StandardCharsets.UTF_8).publishOn(Schedulers.boundedElastic()).map((line) -> {
					sleep(block);
					return line;
				}), StandardCharsets.UTF_8);
	}

	private static void sleep(Duration block) {
		try {
			Thread.sleep(block.toMillis(), block.toNanosPart() % 1_000_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static BiFunction<NettyInbound, NettyOutbound, Publisher<Void>> echo(EchoIdiom idiom) {
		return switch (idiom) {
			case ZERO_COPY -> (in, out) -> out.send(in.receive().retain());
			case STRING ->
				(in, out) -> out.sendString(in.receive().asString(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
		};
	}

}
