package dev.qtserver.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * The closed-loop echo load behind {@link TcpEchoLoad} and {@link WebSocketEchoLoad}:
 * {@code connections} connections each keep {@code inflight} messages in flight, every
 * reply is checked (content and order) and answered with the next message. After a
 * warm-up, a fixed window is measured: messages per second, round-trip p50/p99, and,
 * given {@code --server-pid}, the server's CPU time per message over exactly that window.
 * What differs between the loads, how a connection is set up and how its messages are
 * framed, is the {@link EchoClientConnection} that the {@link ConnectionFactory} makes.
 *
 * <p>
 * All connections share one event loop thread, so the generator fits the one core it is
 * pinned to. It prints {@code WINDOW_START} and {@code WINDOW_END} as the window opens
 * and closes, a readable summary, and a final {@code RESULT key=value ...} line for
 * scripts. It exits 0 only if no reply mismatched, no connection failed and no message
 * was lost.
 *
 * <p>
 * Options of every load: {@code --host 127.0.0.1 --port P --connections 64 --inflight 16
 * --warmup 5s --duration 10s --server-pid PID --clk-tck 100 --connect-timeout 10s
 * --drain-timeout 5s}; each load adds its own.
 */
final class EchoLoad {

	private static final Set<String> COMMON_OPTIONS = Set.of("host", "port", "connections", "inflight", "warmup",
			"duration", "server-pid", "clk-tck", "connect-timeout", "drain-timeout");

	/** Loopback only, and bounded: no run may open more than this many connections. */
	private static final int MAX_CONNECTIONS = 4096;

	private static final Duration MAX_RUN = Duration.ofMinutes(5);

	/** How long closing may take: a WebSocket close handshake, then the TCP close. */
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

	/** Makes the client side of one connection. */
	@FunctionalInterface
	interface ConnectionFactory {

		EchoClientConnection create(int id, LoadCounters counters, LoadSettings settings);

	}

	private final String name;

	private final String framing;

	private final LoadSettings settings;

	private final ConnectionFactory factory;

	private final LoadCounters counters = new LoadCounters();

	private final List<EchoClientConnection> connections = new ArrayList<>();

	private final @Nullable Supplier<String> connectedSummary;

	private EchoLoad(String name, String framing, LoadSettings settings, ConnectionFactory factory,
			@Nullable Supplier<String> connectedSummary) {
		this.name = name;
		this.framing = framing;
		this.settings = settings;
		this.factory = factory;
		this.connectedSummary = connectedSummary;
	}

	/**
	 * Parse the common options plus a load's own.
	 * @param args the program arguments
	 * @param own the option names only this load takes
	 */
	static Options options(String[] args, String... own) {
		Set<String> known = new HashSet<>(COMMON_OPTIONS);
		known.addAll(List.of(own));
		return Options.parse(args, known);
	}

	/**
	 * Run a load, print its result and exit: 0 if it passed, 1 if not.
	 * @param name the program, first word of the summary
	 * @param framing how messages are framed, for the summary ({@code line=64B})
	 */
	static void runAndExit(String name, String framing, LoadSettings settings, ConnectionFactory factory)
			throws Exception {
		runAndExit(name, framing, settings, factory, null);
	}

	/**
	 * Run a load, print its result and exit: 0 if it passed, 1 if not.
	 * @param name the program, first word of the summary
	 * @param framing how messages are framed, for the summary ({@code line=64B})
	 * @param connectedSummary a line to print once every connection is ready (what TLS
	 * negotiated), or {@code null}
	 */
	static void runAndExit(String name, String framing, LoadSettings settings, ConnectionFactory factory,
			@Nullable Supplier<String> connectedSummary) throws Exception {
		LoadResult result = new EchoLoad(name, framing, settings, factory, connectedSummary).run();
		result.print(System.out);
		System.exit(result.passed() ? 0 : 1);
	}

	private LoadResult run() throws Exception {
		boolean epoll = Epoll.isAvailable();
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		try {
			EventLoop loop = group.next();
			System.out.printf(Locale.ROOT, "%s %s:%d connections=%d inflight=%d %s transport=%s%n", this.name,
					this.settings.host(), this.settings.port(), this.settings.connections(), this.settings.inflight(),
					this.framing, epoll ? "epoll" : "nio");
			int connected = connect(group, epoll);
			if (connected == 0) {
				throw new IllegalStateException(
						"No connection to " + this.settings.host() + ":" + this.settings.port());
			}
			Supplier<String> summary = this.connectedSummary;
			if (summary != null) {
				System.out.println(onLoop(loop, summary::get));
			}
			onLoop(loop, () -> {
				this.connections.forEach(EchoClientConnection::start);
				return null;
			});
			System.out.println("WARMUP " + this.settings.warmup().toMillis() + "ms");
			Thread.sleep(this.settings.warmup().toMillis());
			ProcessCpu server = this.settings.serverCpu();
			ProcessCpu self = new ProcessCpu("self", this.settings.clockTicks());
			MachineCpu machine = new MachineCpu(this.settings.clockTicks());
			WindowMark start = onLoop(loop, () -> {
				this.counters.openWindow();
				return WindowMark.now(server, self, machine);
			});
			System.out.println("WINDOW_START");
			System.out.flush();
			Thread.sleep(this.settings.duration().toMillis());
			WindowMark end = onLoop(loop, () -> {
				this.counters.closeWindow();
				// stop feeding from here on; the messages still in flight drain below
				this.counters.stopSending();
				return WindowMark.now(server, self, machine);
			});
			System.out.println("WINDOW_END");
			System.out.flush();
			long lost = drain(loop);
			List<ChannelFuture> closed = onLoop(loop, () -> {
				List<ChannelFuture> futures = new ArrayList<>();
				for (EchoClientConnection connection : this.connections) {
					ChannelFuture future = connection.close();
					if (future != null) {
						futures.add(future);
					}
				}
				return futures;
			});
			awaitAll(closed, CLOSE_TIMEOUT);
			return onLoop(loop, () -> new LoadResult(this.settings, start, end, this.counters, connected, lost));
		}
		finally {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
		}
	}

	/**
	 * Open every connection and wait, bounded, until each can carry messages (connected,
	 * and for WebSocket upgraded). Those that cannot are counted as errors.
	 * @return how many connections are ready
	 */
	private int connect(EventLoopGroup group, boolean epoll) throws Exception {
		Bootstrap bootstrap = new Bootstrap().group(group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.settings.connectTimeout().toMillis());
		List<ChannelFuture> futures = new ArrayList<>();
		for (int i = 0; i < this.settings.connections(); i++) {
			EchoClientConnection connection = this.factory.create(i, this.counters, this.settings);
			this.connections.add(connection);
			futures.add(bootstrap.clone().handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel channel) {
					connection.initChannel(channel);
				}
			}).connect(this.settings.host(), this.settings.port()));
		}
		int ready = 0;
		long deadline = System.nanoTime() + this.settings.connectTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
		for (int i = 0; i < futures.size(); i++) {
			ChannelFuture future = futures.get(i);
			EchoClientConnection connection = this.connections.get(i);
			future.await(remaining(deadline), TimeUnit.NANOSECONDS);
			String problem = null;
			if (!future.isSuccess()) {
				problem = "connect failed: " + ((future.cause() != null) ? future.cause().toString() : "timed out");
			}
			else {
				try {
					connection.ready().get(remaining(deadline), TimeUnit.NANOSECONDS);
					ready++;
				}
				catch (TimeoutException ex) {
					problem = "not ready within the connect timeout";
				}
				catch (ExecutionException ex) {
					// the connection has counted its own failure
				}
			}
			if (problem != null) {
				String reason = problem;
				onLoop(group.next(), () -> {
					this.counters.error(connection.id(), reason);
					connection.close();
					return null;
				});
			}
		}
		return ready;
	}

	/**
	 * Wait, bounded, for the replies to the messages still in flight; the rest count as
	 * lost.
	 */
	private long drain(EventLoop loop) throws Exception {
		long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
		while (true) {
			long outstanding = onLoop(loop, this::outstanding);
			if (outstanding == 0 || System.nanoTime() > deadline) {
				return outstanding;
			}
			Thread.sleep(10);
		}
	}

	private long outstanding() {
		long outstanding = 0;
		for (EchoClientConnection connection : this.connections) {
			outstanding += connection.outstanding();
		}
		return outstanding;
	}

	private static void awaitAll(List<ChannelFuture> futures, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ChannelFuture future : futures) {
			future.await(remaining(deadline), TimeUnit.NANOSECONDS);
		}
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	private static <T> T onLoop(EventLoop loop, Callable<T> task) throws Exception {
		return loop.submit(task).get(10, TimeUnit.SECONDS);
	}

	/**
	 * The typed form of the common command-line options, checked against the harness's
	 * bounds.
	 */
	record LoadSettings(String host, int port, int connections, int inflight, Duration warmup, Duration duration,
			String serverPid, long clockTicks, Duration connectTimeout, Duration drainTimeout) {

		LoadSettings {
			Loopback.require(host);
			if (connections < 1 || connections > MAX_CONNECTIONS) {
				throw new IllegalArgumentException("--connections must be between 1 and " + MAX_CONNECTIONS);
			}
			if (inflight < 1 || inflight > 1024) {
				throw new IllegalArgumentException("--inflight must be between 1 and 1024");
			}
			if (warmup.plus(duration).compareTo(MAX_RUN) > 0 || duration.isZero() || duration.isNegative()) {
				throw new IllegalArgumentException("--warmup plus --duration must be positive and at most " + MAX_RUN);
			}
		}

		static LoadSettings from(Options options, int defaultPort) {
			return new LoadSettings(options.string("host", "127.0.0.1"), options.integer("port", defaultPort),
					options.integer("connections", 64), options.integer("inflight", 16),
					options.duration("warmup", Duration.ofSeconds(5)),
					options.duration("duration", Duration.ofSeconds(10)), options.string("server-pid", ""),
					options.longValue("clk-tck", 100), options.duration("connect-timeout", Duration.ofSeconds(10)),
					options.duration("drain-timeout", Duration.ofSeconds(5)));
		}

		ProcessCpu serverCpu() {
			return new ProcessCpu(this.serverPid.isEmpty() ? "0" : this.serverPid, this.clockTicks);
		}

	}

}
