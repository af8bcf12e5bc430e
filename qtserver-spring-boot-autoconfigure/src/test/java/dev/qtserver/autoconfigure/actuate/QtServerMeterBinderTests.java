package dev.qtserver.autoconfigure.actuate;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.InputStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.http.HttpServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.Route;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.test.TestCertificates;
import dev.qtserver.websocket.QWebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the byte, handler-error and WebSocket handshake meters of
 * {@link QtServerMeterBinder}: auto-configured TCP, WebSocket and HTTP servers, real
 * clients on loopback that count every byte they write and read, and the meters they
 * leave in a registry. The server counts wire bytes, so what it received is exactly what
 * the client wrote, and what it sent exactly what the client read before the server
 * closed the connection.
 */
class QtServerMeterBinderTests {

	private static final TestCertificates certificates = TestCertificates.shared();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, HttpServerAutoConfiguration.class,
				QtServerMetricsAutoConfiguration.class))
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1",
				"qtserver.websocket.chat.path=/chat", "qtserver.http.web.address=127.0.0.1",
				"qtserver.http.web.websocket.path=/ws")
		.withBean(TcpEcho.class)
		.withBean(WebSocketEcho.class)
		.withBean(Routes.class)
		.withBean(UpgradedEcho.class);

	@Test
	void whenLinesAreEchoedOverTcpThenBytesAreCountedAsTheyCrossTheSocket() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			Traffic traffic = new Traffic();
			CountingClient client = traffic.connect(context.getBean(QTcpServer.class).serverPort());
			for (int i = 0; i < 100; i++) {
				client.write(String.format("line %03d of a hundred%n", i));
			}
			for (int i = 0; i < 100; i++) {
				assertThat(client.readLine()).isEqualTo(String.format("line %03d of a hundred", i));
			}
			// 100 lines of 22 bytes each way
			assertThat(traffic.written()).isEqualTo(2200);
			client.closeAndReadToEnd();
			assertThat(traffic.read()).isEqualTo(2200);
			waiting().untilAsserted(() -> assertBytes(registry, "echo", "tcp", traffic));
			assertThat(counter(registry, QtServerMeterBinder.BYTES_RECEIVED, "echo").getId().getBaseUnit())
				.isEqualTo(BaseUnits.BYTES);
		});
	}

	@Test
	void whenNoRegistryHasBoundAServerThenItsConnectionsCountNoBytesUntilOneDoes() {
		this.runner.run((context) -> {
			QTcpServer server = context.getBean(QTcpServer.class);
			CountingClient before = new Traffic().connect(server.serverPort());
			before.write("unbound\n");
			assertThat(before.readLine()).isEqualTo("unbound");
			MeterRegistry registry = bind(context);
			Traffic traffic = new Traffic();
			CountingClient after = traffic.connect(server.serverPort());
			after.write("bound\n");
			assertThat(after.readLine()).isEqualTo("bound");
			before.write("still unbound\n");
			assertThat(before.readLine()).isEqualTo("still unbound");
			after.closeAndReadToEnd();
			before.closeAndReadToEnd();
			// only the connection accepted once bound counts: its six bytes each way
			waiting().untilAsserted(() -> assertBytes(registry, "echo", "tcp", traffic));
			assertThat(traffic.written()).isEqualTo(6);
		});
	}

	@Test
	void whenLinesAreEchoedOverTlsThenBytesAreTheEncryptedRecordsOnTheWire() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues(certificates.bundleProperties("server", "server").toArray(String[]::new))
			.withPropertyValues("qtserver.tcp.secure.address=127.0.0.1", "qtserver.tcp.secure.ssl.bundle=server")
			.withBean(SecureEcho.class)
			.run((context) -> {
				MeterRegistry registry = bind(context);
				int port = context.getBean("secureTcpServer", QTcpServer.class).serverPort();
				CountingSocket wire = new CountingSocket();
				wire.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				SSLContext tls = certificates.bundle("server").createSslContext();
				try (SSLSocket socket = (SSLSocket) tls.getSocketFactory()
					.createSocket(wire, "127.0.0.1", port, true)) {
					socket.setSoTimeout(5000);
					OutputStream out = socket.getOutputStream();
					BufferedReader in = new BufferedReader(
							new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
					for (int i = 0; i < 10; i++) {
						out.write(String.format("line %03d of ten%n", i).getBytes(StandardCharsets.UTF_8));
						out.flush();
						assertThat(in.readLine()).isEqualTo(String.format("line %03d of ten", i));
					}
					// the handshake and the records' framing and tags come on top of 160
					// bytes each way; the connection is quiet now, so both ends agree
					waiting().untilAsserted(() -> {
						assertThat(counter(registry, QtServerMeterBinder.BYTES_RECEIVED, "secure").count())
							.isEqualTo((double) wire.written.get())
							.isGreaterThan(160);
						assertThat(counter(registry, QtServerMeterBinder.BYTES_SENT, "secure").count())
							.isEqualTo((double) wire.read.get())
							.isGreaterThan(160);
					});
				}
			});
	}

	@Test
	void whenAnHttpRequestIsAnsweredThenBytesAreTheRequestAndTheResponseOnTheWire() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			Traffic traffic = new Traffic();
			CountingClient client = traffic.connect(context.getBean(QHttpServer.class).serverPort());
			client.write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
			String response = client.readToEnd();
			assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
			waiting().untilAsserted(() -> assertBytes(registry, "web", "http", traffic));
		});
	}

	@Test
	void whenWebSocketSessionsAreOpenedThenEachHandshakeIsTimedOnceAndEveryFrameByteCounted() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			int port = context.getBean(QWebSocketServer.class).serverPort();
			Traffic traffic = new Traffic();
			assertThat(handshakes(registry, "chat", "websocket")).isZero();
			for (int session = 1; session <= 3; session++) {
				CountingClient client = traffic.connect(port);
				client.upgrade("/chat");
				// counted once the write of the 101 response has completed, which may be
				// just after the client read it
				int upgraded = session;
				waiting().until(() -> handshakes(registry, "chat", "websocket") == upgraded);
				assertThat(client.echo("message " + session)).isEqualTo("message " + session);
				client.closeWebSocket();
				waiting().untilAsserted(() -> assertBytes(registry, "chat", "websocket", traffic));
			}
			assertThat(handshakes(registry, "chat", "websocket")).isEqualTo(3);
			assertThat(registry.get(QtServerMeterBinder.WEBSOCKET_HANDSHAKE_DURATION)
				.tag("server", "chat")
				.functionTimer()
				.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
		});
	}

	@Test
	void whenAnHttpServerUpgradesToWebSocketThenTheHandshakeIsTimedAndItsBytesAreTheHttpServers() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			Traffic traffic = new Traffic();
			CountingClient client = traffic.connect(context.getBean(QHttpServer.class).serverPort());
			assertThat(handshakes(registry, "web", "http")).isZero();
			client.upgrade("/ws");
			waiting().until(() -> handshakes(registry, "web", "http") == 1);
			double requests = counter(registry, QtServerMeterBinder.MESSAGES_RECEIVED, "web").count();
			// a meter holds its state object weakly: what it reads must outlive a
			// collection
			System.gc();
			for (int i = 0; i < 3; i++) {
				assertThat(client.echo("upgraded " + i)).isEqualTo("upgraded " + i);
			}
			client.closeWebSocket();
			waiting().untilAsserted(() -> assertBytes(registry, "web", "http", traffic));
			// the session's messages and its close are the HTTP server's too
			waiting().untilAsserted(
					() -> assertThat(counter(registry, QtServerMeterBinder.MESSAGES_SENT, "web").count()).isEqualTo(3));
			assertThat(counter(registry, QtServerMeterBinder.MESSAGES_RECEIVED, "web").count()).isEqualTo(requests + 3);
			waiting().until(() -> registry.get(QtServerMeterBinder.CONNECTIONS_CLOSED)
				.tag("server", "web")
				.functionCounters()
				.stream()
				.mapToDouble(FunctionCounter::count)
				.sum() == 1);
		});
	}

	@Test
	void whenHandlersThrowThenEachKindCountsEachExceptionOnce() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			// TCP: the handler throws, no @OnError takes it, the connection closes
			CountingClient tcp = new Traffic().connect(context.getBean(QTcpServer.class).serverPort());
			tcp.write("boom\n");
			tcp.readToEnd();
			waiting().until(() -> handlerErrors(registry, "echo", "tcp") == 1);
			// WebSocket: the same, the session closes with 1011
			CountingClient webSocket = new Traffic().connect(context.getBean(QWebSocketServer.class).serverPort());
			webSocket.upgrade("/chat");
			webSocket.sendText("boom");
			assertThat(webSocket.awaitCloseAndReply()).isEqualTo(1011);
			waiting().until(() -> handlerErrors(registry, "chat", "websocket") == 1);
			// HTTP: a route that throws answers 500
			CountingClient http = new Traffic().connect(context.getBean(QHttpServer.class).serverPort());
			http.write("GET /fail HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
			assertThat(http.readToEnd()).startsWith("HTTP/1.1 500 ");
			waiting().until(() -> handlerErrors(registry, "web", "http") == 1);
			// and the handler of a session upgraded on the HTTP server counts there too
			CountingClient upgraded = new Traffic().connect(context.getBean(QHttpServer.class).serverPort());
			upgraded.upgrade("/ws");
			upgraded.sendText("boom");
			assertThat(upgraded.awaitCloseAndReply()).isEqualTo(1011);
			waiting().until(() -> handlerErrors(registry, "web", "http") == 2);
			assertThat(handlerErrors(registry, "echo", "tcp")).isOne();
			assertThat(handlerErrors(registry, "chat", "websocket")).isOne();
			// a handler error that ends a connection is a connection error as well
			assertThat(counter(registry, QtServerMeterBinder.CONNECTION_ERRORS, "echo").count()).isOne();
		});
	}

	@Test
	void whenRequestsSucceedThenNoHandlerErrorIsCounted() {
		this.runner.run((context) -> {
			MeterRegistry registry = bind(context);
			CountingClient http = new Traffic().connect(context.getBean(QHttpServer.class).serverPort());
			http.write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
			assertThat(http.readToEnd()).endsWith("hello");
			CountingClient missing = new Traffic().connect(context.getBean(QHttpServer.class).serverPort());
			missing.write("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
			assertThat(missing.readToEnd()).startsWith("HTTP/1.1 404 ");
			assertThat(handlerErrors(registry, "web", "http")).isZero();
		});
	}

	private static MeterRegistry bind(ApplicationContext context) {
		MeterRegistry registry = new SimpleMeterRegistry();
		context.getBean(QtServerMeterBinder.class).bindTo(registry);
		return registry;
	}

	private static void assertBytes(MeterRegistry registry, String server, String kind, Traffic client) {
		assertThat(counter(registry, QtServerMeterBinder.BYTES_RECEIVED, server).getId().getTag("kind"))
			.isEqualTo(kind);
		assertThat(counter(registry, QtServerMeterBinder.BYTES_RECEIVED, server).count())
			.isEqualTo((double) client.written());
		assertThat(counter(registry, QtServerMeterBinder.BYTES_SENT, server).count()).isEqualTo((double) client.read());
	}

	private static FunctionCounter counter(MeterRegistry registry, String name, String server) {
		return registry.get(name).tag("server", server).functionCounter();
	}

	private static double handlerErrors(MeterRegistry registry, String server, String kind) {
		return registry.get(QtServerMeterBinder.HANDLER_ERRORS)
			.tag("server", server)
			.tag("kind", kind)
			.functionCounter()
			.count();
	}

	private static double handshakes(MeterRegistry registry, String server, String kind) {
		return registry.get(QtServerMeterBinder.WEBSOCKET_HANDSHAKE_DURATION)
			.tag("server", server)
			.tag("kind", kind)
			.functionTimer()
			.count();
	}

	private static ConditionFactory waiting() {
		return await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	/**
	 * A plain socket that counts the bytes crossing it, under a TLS client socket.
	 */
	static final class CountingSocket extends Socket {

		final AtomicLong written = new AtomicLong();

		final AtomicLong read = new AtomicLong();

		@Override
		public InputStream getInputStream() throws IOException {
			return new FilterInputStream(super.getInputStream()) {

				@Override
				public int read() throws IOException {
					int b = super.read();
					if (b >= 0) {
						CountingSocket.this.read.incrementAndGet();
					}
					return b;
				}

				@Override
				public int read(byte[] bytes, int offset, int length) throws IOException {
					int count = super.read(bytes, offset, length);
					if (count > 0) {
						CountingSocket.this.read.addAndGet(count);
					}
					return count;
				}

			};
		}

		@Override
		public OutputStream getOutputStream() throws IOException {
			return new FilterOutputStream(super.getOutputStream()) {

				@Override
				public void write(int b) throws IOException {
					this.out.write(b);
					CountingSocket.this.written.incrementAndGet();
				}

				@Override
				public void write(byte[] bytes, int offset, int length) throws IOException {
					this.out.write(bytes, offset, length);
					CountingSocket.this.written.addAndGet(length);
				}

			};
		}

	}

	/**
	 * What the clients of one server wrote and read, in bytes.
	 */
	static final class Traffic {

		private long written;

		private long read;

		CountingClient connect(int port) throws IOException {
			return new CountingClient(new Socket(InetAddress.getByName("127.0.0.1"), port), this);
		}

		synchronized long written() {
			return this.written;
		}

		synchronized long read() {
			return this.read;
		}

		synchronized void wrote(int bytes) {
			this.written += bytes;
		}

		synchronized void readOne() {
			this.read++;
		}

	}

	/**
	 * A blocking loopback client that counts every byte it writes and reads, and speaks
	 * just enough WebSocket (RFC 6455: masked frames of up to 125 bytes) for the tests.
	 */
	static final class CountingClient {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private final Traffic traffic;

		private CountingClient(Socket socket, Traffic traffic) throws IOException {
			this.socket = socket;
			this.traffic = traffic;
			this.socket.setSoTimeout(5000);
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
		}

		void write(String text) throws IOException {
			write(text.getBytes(StandardCharsets.UTF_8));
		}

		void write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
			this.traffic.wrote(bytes.length);
		}

		int readByte() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				this.traffic.readOne();
			}
			return b;
		}

		byte[] readBytes(int count) throws IOException {
			byte[] bytes = new byte[count];
			for (int i = 0; i < count; i++) {
				int b = readByte();
				if (b < 0) {
					throw new IOException("End of stream after " + i + " of " + count + " bytes");
				}
				bytes[i] = (byte) b;
			}
			return bytes;
		}

		String readLine() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int b = readByte(); b != '\n'; b = readByte()) {
				if (b < 0) {
					throw new IOException("End of stream in a line");
				}
				line.write(b);
			}
			return line.toString(StandardCharsets.UTF_8);
		}

		/** Read until the server closes, then close. */
		String readToEnd() throws IOException {
			ByteArrayOutputStream rest = new ByteArrayOutputStream();
			for (int b = readByte(); b >= 0; b = readByte()) {
				rest.write(b);
			}
			this.socket.close();
			return rest.toString(StandardCharsets.UTF_8);
		}

		/** Half-close, then read whatever the server still sends until it closes. */
		void closeAndReadToEnd() throws IOException {
			this.socket.shutdownOutput();
			readToEnd();
		}

		void upgrade(String path) throws IOException {
			byte[] key = new byte[16];
			ThreadLocalRandom.current().nextBytes(key);
			write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
					+ "Sec-WebSocket-Version: 13\r\n\r\n");
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
				int b = readByte();
				if (b < 0) {
					throw new IOException("End of stream in the handshake response: " + head);
				}
				head.write(b);
			}
			assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101 ");
		}

		void sendText(String text) throws IOException {
			sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
		}

		/** Send a text message and read the text message that comes back. */
		String echo(String text) throws IOException {
			sendText(text);
			byte[] head = readBytes(2);
			assertThat(head[0] & 0xff).isEqualTo(0x81);
			return new String(readBytes(head[1] & 0x7f), StandardCharsets.UTF_8);
		}

		/**
		 * Read the close frame the server sends, answer it, and read until the server
		 * closes.
		 * @return the close code
		 */
		int awaitCloseAndReply() throws IOException {
			byte[] head = readBytes(2);
			assertThat(head[0] & 0xff).isEqualTo(0x88);
			byte[] payload = readBytes(head[1] & 0x7f);
			sendFrame(0x8, new byte[] { payload[0], payload[1] });
			readToEnd();
			return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
		}

		/** Close the session (1000) and read the server's close frame until it closes. */
		void closeWebSocket() throws IOException {
			sendFrame(0x8, new byte[] { 0x03, (byte) 0xe8 });
			readToEnd();
		}

		private void sendFrame(int opcode, byte[] payload) throws IOException {
			byte[] mask = new byte[4];
			ThreadLocalRandom.current().nextBytes(mask);
			byte[] frame = new byte[6 + payload.length];
			frame[0] = (byte) (0x80 | opcode);
			frame[1] = (byte) (0x80 | payload.length);
			System.arraycopy(mask, 0, frame, 2, 4);
			for (int i = 0; i < payload.length; i++) {
				frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
			}
			write(frame);
		}

	}

	/** Echoes each message; throws on {@code boom}. */
	abstract static class Echo {

		@OnMessage
		String echo(String message) {
			if (message.equals("boom")) {
				throw new IllegalStateException("failed on purpose");
			}
			return message;
		}

	}

	@QtHandler(server = "echo")
	static class TcpEcho extends Echo {

	}

	@QtHandler(server = "secure")
	static class SecureEcho extends Echo {

	}

	@QtHandler(server = "chat")
	static class WebSocketEcho extends Echo {

	}

	@QtHandler(server = "web")
	static class UpgradedEcho extends Echo {

	}

	@QtHandler(server = "web")
	static class Routes {

		@Route(value = "/hello", methods = "GET")
		String hello() {
			return "hello";
		}

		@Route(value = "/fail", methods = "GET")
		String fail() {
			throw new IllegalStateException("failed on purpose");
		}

	}

}
