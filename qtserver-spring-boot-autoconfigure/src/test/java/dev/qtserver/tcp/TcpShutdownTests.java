package dev.qtserver.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionRegistry;
import dev.qtserver.core.LingeringClose;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.FloodEcho;
import dev.qtserver.test.LogCapture;
import dev.qtserver.test.Ports;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown of a TCP server: handler work already received when the server shuts
 * down finishes and is answered within the timeout, work that outlives it is cut and
 * logged, and the port is given back.
 */
class TcpShutdownTests {

	private static final int CONNECTIONS = 6;

	/**
	 * Lines each client sends at once: the first is held in its handler, the rest queue
	 * behind it.
	 */
	private static final int LINES = 5;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final WorkerPool workers = WorkerPool.platformThreads(CONNECTIONS, "shutdown-worker-");

	private final List<TcpTestClient> clients = new ArrayList<>();

	private QTcpServer server;

	@AfterEach
	void close() throws IOException {
		for (TcpTestClient client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.shutdown(Duration.ofSeconds(1));
		}
		this.workers.close();
	}

	@Test
	void whenTheServerShutsDownWithSlowHandlersInFlightThenEveryReceivedLineIsAnsweredBeforeTheConnectionCloses()
			throws Exception {
		HeldEcho handler = new HeldEcho(CONNECTIONS);
		start(handler);
		int port = this.server.serverPort();
		for (int c = 0; c < CONNECTIONS; c++) {
			TcpTestClient client = connect(port);
			StringBuilder burst = new StringBuilder();
			for (int i = 0; i < LINES; i++) {
				burst.append(c).append('-').append(i).append('\n');
			}
			client.send(burst.toString());
		}
		assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("every first line is in its handler")
			.isTrue();
		await().atMost(WAIT).until(() -> this.server.statistics().messagesReceived() == (long) CONNECTIONS * LINES);

		CompletableFuture<Void> shutdown = shutDownInBackground(Duration.ofSeconds(20));
		await().atMost(WAIT).until(() -> !this.server.isListening());
		assertThat(shutdown).as("waits for the handlers").isNotDone();
		handler.release.countDown();

		for (int c = 0; c < CONNECTIONS; c++) {
			TcpTestClient client = this.clients.get(c);
			for (int i = 0; i < LINES; i++) {
				assertThat(client.readLine()).isEqualTo(c + "-" + i);
			}
			assertThat(client.awaitClosed(WAIT)).as("closed once its work is done").isTrue();
		}
		shutdown.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(handler.handled).hasValue(CONNECTIONS * LINES);
		assertThat(this.server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isEqualTo(CONNECTIONS);
		assertThat(this.server.connectionCount()).isZero();
		Ports.assertReleased(port);
	}

	@Test
	void whenTheServerShutsDownWhileAHandlerWorksThenItsLinesAreAnsweredPastTheIdleTimeoutAndLaterOnesAreDropped()
			throws Exception {
		HeldEcho handler = new HeldEcho(1);
		Duration idleTimeout = Duration.ofMillis(300);
		start(handler, idleTimeout);
		TcpTestClient client = connect(this.server.serverPort());
		client.send("0-0\n0-1\n0-2\n");
		assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(WAIT).until(() -> this.server.statistics().messagesReceived() == 3);
		CompletableFuture<Void> shutdown = shutDownInBackground(Duration.ofSeconds(20));
		// the shutdown records why first, on the event loop, as it ends the input: what
		// the client sends from now on is read after
		await().atMost(WAIT)
			.until(() -> this.server.connections()
				.stream()
				.allMatch((socket) -> socket.state().whyClosed() == CloseReason.SERVER_SHUTDOWN));
		client.sendLine("too late");
		// what is tested is that nothing happens: the idle timeout must pass, and there
		// is
		// no condition to wait for
		Thread.sleep(idleTimeout.multipliedBy(3).toMillis());
		handler.release.countDown();

		for (int i = 0; i < 3; i++) {
			assertThat(client.readLine()).isEqualTo("0-" + i);
		}
		assertThat(client.awaitClosed(WAIT)).isTrue();
		client.close();
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(handler.handled).hasValue(3);
		assertThat(this.server.statistics().messagesReceived()).isEqualTo(3);
		assertThat(this.server.statistics().closed(CloseReason.SERVER_SHUTDOWN)).isOne();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "on a worker", "on the event loop" })
	void whenTheServerShutsDownWhileAClientFloodsItThenEveryLineItReadIsAnsweredBeforeAnOrderlyEnd(String where)
			throws Exception {
		start(FloodEcho.handler(where));
		CompletableFuture<Void> shutdown;
		int received = 0;
		try (Socket socket = new Socket()) {
			// small, so that the replies back up into the server long before the flood
			// ends
			socket.setReceiveBufferSize(16 * 1024);
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.server.serverPort()));
			OutputStream out = socket.getOutputStream();
			CompletableFuture<Void> flood = FloodEcho
				.send((line) -> out.write((line + "\n").getBytes(StandardCharsets.US_ASCII)));
			// the server stops reading once the replies back up: most of the flood waits
			await().atMost(WAIT).until(() -> this.server.statistics().messagesSent() > 500);
			shutdown = shutDownInBackground(Duration.ofSeconds(20));
			await().atMost(WAIT).until(() -> !this.server.isListening());

			socket.setSoTimeout((int) WAIT.toMillis());
			BufferedReader replies = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			for (String reply = replies.readLine(); reply != null; reply = replies.readLine()) {
				assertThat(reply).as("reply %d", received).isEqualTo(FloodEcho.message(received));
				received++;
			}
			// a reset instead of the end of stream would have thrown, and taken what the
			// kernel still held with it. The rest of the flood is read and dropped
			flood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		// the client's close ends the linger
		shutdown.get(LingeringClose.LINGER.dividedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(received).as("a reply to every line the server read, and no more")
			.isEqualTo(this.server.statistics().messagesSent())
			.isEqualTo(this.server.statistics().messagesReceived())
			.isLessThan(FloodEcho.MESSAGES);
	}

	@Test
	void whenAHandlerOutlivesTheShutdownTimeoutThenItsConnectionIsCutAndTheCutIsLogged() throws Exception {
		HeldEcho handler = new HeldEcho(1);
		start(handler);
		TcpTestClient stuck = connect(this.server.serverPort());
		stuck.sendLine("never answered");
		assertThat(handler.held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		try (LogCapture log = LogCapture.of(ConnectionRegistry.class)) {
			this.server.shutdown(Duration.ofMillis(300));
			assertThat(log.messages()).anySatisfy((message) -> assertThat(message)
				.isEqualTo("WARN TCP server 'shutdown' cut 1 connection(s) still open after PT0.3S"));
		}
		finally {
			handler.release.countDown();
		}
		assertThat(stuck.awaitClosed(WAIT)).isTrue();
		assertThat(this.server.connectionCount()).isZero();
	}

	private void start(Object handler) {
		start(handler, null);
	}

	private void start(Object handler, @Nullable Duration idleTimeout) {
		TcpServerSettings settings = TcpServerSettings.builder()
			.address(InetAddress.getLoopbackAddress())
			.port(0)
			.framing(TcpFraming.LINE)
			.idleTimeout(idleTimeout)
			.build();
		this.server = new QTcpServer("shutdown", settings, (event) -> {
		}, this.workers.executor(), List.of());
		this.server.bindHandler(handler, "handler");
		assertThat(this.server.listen()).isTrue();
	}

	private TcpTestClient connect(int port) throws IOException {
		TcpTestClient client = TcpTestClient.connect(port);
		this.clients.add(client);
		return client;
	}

	private CompletableFuture<Void> shutDownInBackground(Duration timeout) {
		// shutdown blocks until the connections are done: not on the test's thread
		return CompletableFuture.runAsync(() -> this.server.shutdown(timeout),
				(runnable) -> new Thread(runnable, "shutdown").start());
	}

	/**
	 * Echoes on a worker; the first line of each connection waits until the test lets it
	 * go.
	 */
	static class HeldEcho {

		final CountDownLatch held;

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger handled = new AtomicInteger();

		HeldEcho(int connections) {
			this.held = new CountDownLatch(connections);
		}

		@OnMessage
		String echo(String line) throws InterruptedException {
			if (line.endsWith("-0") || line.equals("never answered")) {
				this.held.countDown();
				this.release.await(30, TimeUnit.SECONDS);
			}
			this.handled.incrementAndGet();
			return line;
		}

	}

}
