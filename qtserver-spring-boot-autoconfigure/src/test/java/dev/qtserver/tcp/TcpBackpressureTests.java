package dev.qtserver.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.test.LeakDetectionExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that sends without reading its replies: the server stops reading it once its
 * replies back up (its memory holds a bounded amount, the rest waits in the client), and
 * when the client reads again every reply comes, in order, whether the handler runs on
 * the event loop (whose replies wait in the loop's outbox until its flush) or on a
 * worker. Real loopback sockets.
 */
@ExtendWith(LeakDetectionExtension.class)
class TcpBackpressureTests {

	/** What the client has to send: far more than the sockets' buffers hold. */
	private static final int LINES = 400_000;

	private static final byte[] LINE = ("x".repeat(99) + "\n").getBytes(StandardCharsets.US_ASCII);

	/**
	 * What the server may have taken while the client reads nothing: the kernel's buffers
	 * of both sockets, a pass of reads and the channel's high-water mark, with room to
	 * spare, and far below what the client sends.
	 */
	private static final long MOST_READ_UNANSWERED = 16 * 1024 * 1024;

	private final WorkerPool workers = WorkerPool.platformThreads(4, "test-worker-");

	private QTcpServer server;

	@AfterEach
	void shutdown() {
		if (this.server != null) {
			this.server.shutdown(Duration.ofSeconds(2));
		}
		this.workers.close();
	}

	@ParameterizedTest
	@EnumSource(value = HandlerExecution.class, names = { "EVENT_LOOP", "WORKER" })
	void whenTheClientDoesNotReadThenTheServerStopsReadingAndLaterSendsEveryReply(HandlerExecution execution)
			throws Exception {
		this.server = new QTcpServer("backpressure",
				TcpServerSettings.builder()
					.address(InetAddress.getLoopbackAddress())
					.port(0)
					.framing(TcpFraming.LINE)
					.build(),
				(event) -> {
				}, this.workers.executor(), List.of());
		this.server.bindHandler(new Echo(), "echo", execution);
		assertThat(this.server.listen()).isTrue();
		long total = (long) LINES * LINE.length;
		try (Socket client = new Socket()) {
			client.setReceiveBufferSize(64 * 1024);
			client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.server.serverPort()));
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(client));
			// the server reads until its replies back up, then stops: the lines it has
			// taken stay the same from one look to the next
			AtomicLong lastLook = new AtomicLong(-1);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
				long taken = this.server.statistics().messagesReceived();
				return taken > 0 && taken == lastLook.getAndSet(taken);
			});
			long bytesTaken = this.server.statistics().messagesReceived() * LINE.length;
			assertThat(sent).isNotDone();
			assertThat(bytesTaken).isLessThan(MOST_READ_UNANSWERED);
			// now read: every reply comes, in order, and the sender finishes
			byte[] digest = readAll(client.getInputStream(), total);
			sent.get();
			assertThat(digest).isEqualTo(expectedDigest());
		}
		assertThat(this.server.statistics().messagesSent()).isEqualTo(LINES);
	}

	private static void send(Socket client) {
		try {
			OutputStream out = client.getOutputStream();
			byte[] chunk = new byte[LINE.length * 100];
			for (int i = 0; i < 100; i++) {
				System.arraycopy(LINE, 0, chunk, i * LINE.length, LINE.length);
			}
			for (int i = 0; i < LINES / 100; i++) {
				out.write(chunk);
			}
			out.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] readAll(InputStream in, long total) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		byte[] buffer = new byte[64 * 1024];
		long read = 0;
		while (read < total) {
			int n = in.read(buffer);
			assertThat(n).as("the server closed after %d of %d bytes", read, total).isPositive();
			digest.update(buffer, 0, n);
			read += n;
		}
		return digest.digest();
	}

	private static byte[] expectedDigest() throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		for (int i = 0; i < LINES; i++) {
			digest.update(LINE);
		}
		return digest.digest();
	}

	static class Echo {

		@OnMessage
		String echo(String line) {
			return line;
		}

	}

}
