package dev.qtserver.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Opens many idle TCP connections to a local server and holds them, so the server's
 * memory per idle connection can be read. Source addresses are spread over
 * {@code 127.0.0.2}, {@code 127.0.0.3}, … ({@code --per-source} connections each) so that
 * ten thousand connections never exhaust one address's ephemeral ports.
 *
 * <p>
 * Given {@code --websocket PATH}, each connection is upgraded to a WebSocket session
 * ({@link WebSocketUpgrade}) and counts as established only once the server has accepted
 * the upgrade; it then sits idle too, and says goodbye with a close frame.
 *
 * <p>
 * Prints {@code CONNECTED n} once every connection is established (or the connect timeout
 * has passed: then {@code n} is smaller and {@code FAILED m} follows), then holds the
 * connections until standard input closes or {@code --hold} elapses, and closes them.
 *
 * <p>
 * Given {@code --server-pid}, connections are opened no faster than the server accepts
 * them (see {@link AcceptPacer}), so {@code CONNECTED n} means the server holds them too.
 *
 * <p>
 * Options: {@code --host 127.0.0.1 --port 9000 --connections 10000 --per-source 2000
 * --first-source 127.0.0.2 --concurrency 256 --connect-timeout 30s --hold 120s
 * --server-pid PID --max-unaccepted 32 --websocket /echo}.
 */
public final class IdleConnections {

	private static final Set<String> OPTIONS = Set.of("host", "port", "connections", "per-source", "first-source",
			"concurrency", "connect-timeout", "hold", "server-pid", "max-unaccepted", "websocket");

	/**
	 * Bound on what one run may open; the file-descriptor limit is usually near here
	 * anyway.
	 */
	private static final int MAX_CONNECTIONS = 50_000;

	private IdleConnections() {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args, OPTIONS);
		InetSocketAddress target = new InetSocketAddress(Loopback.require(options.string("host", "127.0.0.1")),
				options.integer("port", 9000));
		int count = options.integer("connections", 10_000);
		if (count < 1 || count > MAX_CONNECTIONS) {
			throw new IllegalArgumentException("--connections must be between 1 and " + MAX_CONNECTIONS);
		}
		int perSource = Math.max(1, options.integer("per-source", 2000));
		InetAddress firstSource = Loopback.require(options.string("first-source", "127.0.0.2"));
		int concurrency = Math.max(1, options.integer("concurrency", 256));
		Duration connectTimeout = options.duration("connect-timeout", Duration.ofSeconds(30));
		Duration hold = options.duration("hold", Duration.ofSeconds(120));
		AcceptPacer pacer = AcceptPacer.forServer(options.string("server-pid", ""),
				Math.max(1, options.integer("max-unaccepted", 32)));
		String path = options.string("websocket", "");
		@Nullable String webSocketPath = path.isEmpty() ? null : (path.startsWith("/") ? path : "/" + path);

		List<SocketChannel> open = new ArrayList<>(count);
		try {
			int failed = connectAll(target, webSocketPath, count, perSource, firstSource, concurrency, pacer,
					connectTimeout, open);
			System.out.println("CONNECTED " + open.size());
			if (failed > 0) {
				System.out.println("FAILED " + failed);
			}
			System.out.flush();
			awaitStdinClosed(hold);
		}
		finally {
			for (SocketChannel channel : open) {
				if (webSocketPath != null) {
					WebSocketUpgrade.sayGoodbye(channel);
				}
				closeQuietly(channel);
			}
			System.out.println("CLOSED " + open.size());
		}
	}

	/**
	 * Connect without blocking, at most {@code concurrency} handshakes at a time: a
	 * server with a short accept backlog drops the SYNs beyond it, and those would then
	 * wait for the client's one-second retransmit. A WebSocket upgrade counts as part of
	 * the handshake.
	 * @param webSocketPath the path to upgrade each connection on, or {@code null} for
	 * plain TCP
	 * @return how many connections failed or had not completed by the deadline
	 */
	private static int connectAll(InetSocketAddress target, @Nullable String webSocketPath, int count, int perSource,
			InetAddress firstSource, int concurrency, AcceptPacer pacer, Duration timeout, List<SocketChannel> open)
			throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int started = 0;
		int pending = 0;
		int failed = 0;
		try (Selector selector = Selector.open()) {
			while ((started < count || pending > 0) && System.nanoTime() < deadline) {
				boolean paced = false;
				while (pending < concurrency && started < count) {
					if (!pacer.hasRoom(open.size() + pending)) {
						paced = true;
						break;
					}
					SocketChannel channel = SocketChannel.open();
					InetAddress source = sourceAddress(firstSource, started / perSource);
					// counted before it can fail, so a failure moves on instead of
					// retrying forever
					started++;
					try {
						channel.configureBlocking(false);
						channel.bind(new InetSocketAddress(source, 0));
						if (!channel.connect(target)) {
							channel.register(selector, SelectionKey.OP_CONNECT);
							pending++;
						}
						else if (webSocketPath == null) {
							open.add(channel);
						}
						else {
							startUpgrade(channel.register(selector, 0), target, webSocketPath);
							pending++;
						}
					}
					catch (IOException ex) {
						failed++;
						closeQuietly(channel);
						reportFirst(failed, ex);
					}
				}
				// paced: look again soon, the server accepts within microseconds to
				// milliseconds
				selector.select(paced ? 1 : 100);
				for (SelectionKey key : selector.selectedKeys()) {
					SocketChannel channel = (SocketChannel) key.channel();
					try {
						boolean established = false;
						if (key.isConnectable()) {
							if (channel.finishConnect()) {
								if (webSocketPath == null) {
									established = true;
								}
								else {
									startUpgrade(key, target, webSocketPath);
								}
							}
						}
						else if (key.isReadable()) {
							established = ((WebSocketUpgrade) key.attachment()).readResponse(channel);
						}
						if (established) {
							key.cancel();
							pending--;
							open.add(channel);
						}
					}
					catch (IOException ex) {
						key.cancel();
						pending--;
						failed++;
						closeQuietly(channel);
						reportFirst(failed, ex);
					}
				}
				selector.selectedKeys().clear();
			}
			// cancelled keys stay in keys() until the next selection: flush them out
			// first
			selector.selectNow();
			for (SelectionKey key : selector.keys()) {
				// still connecting, or upgrading, at the deadline
				failed++;
				closeQuietly((SocketChannel) key.channel());
			}
		}
		return failed + (count - started);
	}

	/**
	 * Send the upgrade request on a connected channel and wait for the response to be
	 * readable.
	 */
	private static void startUpgrade(SelectionKey key, InetSocketAddress target, String path) throws IOException {
		WebSocketUpgrade upgrade = new WebSocketUpgrade(
				WebSocketClientConnection.uri(target.getHostString(), target.getPort(), path));
		key.attach(upgrade);
		upgrade.sendRequest((SocketChannel) key.channel());
		key.interestOps(SelectionKey.OP_READ);
	}

	/** {@code first + offset}: 127.0.0.2, 127.0.0.3, … for offsets 0, 1, … */
	static InetAddress sourceAddress(InetAddress first, int offset) throws UnknownHostException {
		if (!(first instanceof Inet4Address)) {
			return first;
		}
		byte[] bytes = first.getAddress();
		int value = ((bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff))
				+ offset;
		InetAddress address = InetAddress.getByAddress(
				new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value });
		if (!address.isLoopbackAddress()) {
			throw new IllegalArgumentException("Ran out of loopback source addresses at " + address.getHostAddress());
		}
		return address;
	}

	private static void awaitStdinClosed(Duration hold) throws InterruptedException {
		CountDownLatch closed = new CountDownLatch(1);
		Thread reader = new Thread(() -> {
			try {
				InputStream in = System.in;
				byte[] buffer = new byte[256];
				while (in.read(buffer) >= 0) {
					// input is ignored: only its end matters
				}
			}
			catch (IOException ex) {
				// an unreadable stdin counts as closed
			}
			closed.countDown();
		}, "stdin-watch");
		reader.setDaemon(true);
		reader.start();
		closed.await(hold.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void reportFirst(int failed, IOException ex) {
		if (failed <= 5) {
			System.err.println("connect failed: " + ex);
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing at exit: nothing left to do with the error
		}
	}

}
