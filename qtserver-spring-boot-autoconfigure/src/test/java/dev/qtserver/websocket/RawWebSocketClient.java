package dev.qtserver.websocket;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.qtserver.test.MessageClient;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client on a plain {@link Socket} that writes the protocol byte by byte, so
 * that a test can send what a client library never would: a broken handshake, an unmasked
 * frame, a reserved opcode, an oversized control frame. Every read has a timeout, so an
 * answer that never comes fails the test instead of hanging it.
 */
final class RawWebSocketClient implements MessageClient {

	/** How long a read waits when the test does not say. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The GUID of RFC 6455 section 1.3, appended to the key to compute the accept value.
	 */
	static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	static final int CONTINUATION = 0x0;

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	static final int CLOSE = 0x8;

	static final int PING = 0x9;

	static final int PONG = 0xA;

	private static final SecureRandom random = new SecureRandom();

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawWebSocketClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a TCP connection to a server on the loopback address; nothing is sent yet.
	 * @param port the server's port
	 * @return the connected client
	 * @throws IOException when the connection fails
	 */
	static RawWebSocketClient connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) DEFAULT_TIMEOUT.toMillis());
		return new RawWebSocketClient(socket);
	}

	/**
	 * Return a fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64.
	 * @return the key
	 */
	static String newKey() {
		byte[] nonce = new byte[16];
		random.nextBytes(nonce);
		return Base64.getEncoder().encodeToString(nonce);
	}

	/**
	 * Compute the {@code Sec-WebSocket-Accept} value a server must answer for a key.
	 * @param key the key the client sent
	 * @return base64 of the SHA-1 of the key and the GUID
	 */
	static String acceptFor(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1")
				.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the headers of a valid version 13 opening handshake, in an order the test
	 * may change: put a header to replace it, put {@code null} to leave it out.
	 * @param key the {@code Sec-WebSocket-Key}
	 * @return the headers, mutable
	 */
	Map<String, @Nullable String> handshakeHeaders(String key) {
		Map<String, @Nullable String> headers = new LinkedHashMap<>();
		headers.put("Host", "127.0.0.1:" + this.socket.getPort());
		headers.put("Upgrade", "websocket");
		headers.put("Connection", "Upgrade");
		headers.put("Sec-WebSocket-Key", key);
		headers.put("Sec-WebSocket-Version", "13");
		return headers;
	}

	/**
	 * Send a valid opening handshake with a fresh key and read the answer's head.
	 * @param path the request path
	 * @return the response head; the key sent is {@link HttpResponseHead#key()}
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	HttpResponseHead handshake(String path) throws IOException {
		String key = newKey();
		sendRequest("GET", path, handshakeHeaders(key));
		return readResponseHead().withKey(key);
	}

	/**
	 * Send an HTTP request head: the request line, the headers whose value is not
	 * {@code null}, and the empty line.
	 * @param method the method, such as {@code GET}
	 * @param path the request target
	 * @param headers the headers, in order
	 * @throws IOException when the write fails
	 */
	void sendRequest(String method, String path, Map<String, @Nullable String> headers) throws IOException {
		StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
		headers.forEach((name, value) -> {
			if (value != null) {
				request.append(name).append(": ").append(value).append("\r\n");
			}
		});
		request.append("\r\n");
		sendRaw(request.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	/**
	 * Read an HTTP response head, waiting at most {@link #DEFAULT_TIMEOUT}.
	 * @return the status line and headers
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	HttpResponseHead readResponseHead() throws IOException {
		return readResponseHead(DEFAULT_TIMEOUT);
	}

	/**
	 * Read an HTTP response head: everything up to the empty line.
	 * @param timeout how long to wait for the whole head
	 * @return the status line and headers
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	HttpResponseHead readResponseHead(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int next = readByte(deadline);
			head.write(next);
			matched = (next == end[matched]) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
			}
		}
		String[] status = lines[0].split(" ", 3);
		return new HttpResponseHead(lines[0], Integer.parseInt(status[1]), Collections.unmodifiableMap(headers), null);
	}

	/**
	 * Send a masked, final text frame.
	 * @param text the text, in UTF-8
	 * @throws IOException when the write fails
	 */
	void sendText(String text) throws IOException {
		sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * Send a masked, final binary frame.
	 * @param bytes the payload
	 * @throws IOException when the write fails
	 */
	void sendBinary(byte[] bytes) throws IOException {
		sendFrame(true, BINARY, bytes, true);
	}

	/**
	 * Send a masked close frame with a code and reason.
	 * @param code the close code
	 * @param reason the reason, in UTF-8
	 * @throws IOException when the write fails
	 */
	void sendClose(int code, String reason) throws IOException {
		byte[] text = reason.getBytes(StandardCharsets.UTF_8);
		ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
		sendFrame(true, CLOSE, payload.array(), true);
	}

	/**
	 * Send one frame exactly as asked, with RSV bits clear.
	 * @param fin whether the FIN bit is set
	 * @param opcode the opcode, any of 0x0-0xF
	 * @param payload the payload
	 * @param masked whether to mask it with a random key, as RFC 6455 requires of clients
	 * @throws IOException when the write fails
	 */
	void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
		sendRaw(frame(fin, opcode, payload, masked));
	}

	/**
	 * Encode one frame.
	 * @param fin whether the FIN bit is set
	 * @param opcode the opcode
	 * @param payload the payload
	 * @param masked whether to mask it
	 * @return the frame's bytes
	 */
	static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write((fin ? 0x80 : 0) | (opcode & 0x0F));
		int maskBit = masked ? 0x80 : 0;
		if (payload.length <= 125) {
			frame.write(maskBit | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(maskBit | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(maskBit | 127);
			frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
		}
		if (!masked) {
			frame.writeBytes(payload);
			return frame.toByteArray();
		}
		byte[] mask = new byte[4];
		random.nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	/**
	 * Send bytes as they are, in one write.
	 * @param bytes the bytes
	 * @throws IOException when the write fails
	 */
	void sendRaw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Read one frame, waiting at most {@link #DEFAULT_TIMEOUT}.
	 * @return the frame, unmasked
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	Frame readFrame() throws IOException {
		return readFrame(DEFAULT_TIMEOUT);
	}

	/**
	 * Read one frame.
	 * @param timeout how long to wait for the whole frame
	 * @return the frame, unmasked
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	Frame readFrame(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int first = readByte(deadline);
		int second = readByte(deadline);
		long length = second & 0x7F;
		if (length == 126) {
			length = (readByte(deadline) << 8) | readByte(deadline);
		}
		else if (length == 127) {
			length = ByteBuffer.wrap(readExactly(8, deadline)).getLong();
		}
		if (length > 16 * 1024 * 1024) {
			throw new IOException("Implausible frame length " + length);
		}
		byte[] mask = ((second & 0x80) != 0) ? readExactly(4, deadline) : null;
		byte[] payload = readExactly((int) length, deadline);
		if (mask != null) {
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= mask[i % 4];
			}
		}
		return new Frame((first & 0x80) != 0, first & 0x70, first & 0x0F, mask != null, payload);
	}

	/**
	 * Read frames until a text frame and return its text, waiting at most
	 * {@link #DEFAULT_TIMEOUT}.
	 * @return the text
	 * @throws IOException when another kind of frame comes, the server closes, or nothing
	 * comes in time
	 */
	String readText() throws IOException {
		Frame frame = readFrame();
		if (frame.opcode() != TEXT) {
			throw new IOException("Expected a text frame but got " + frame);
		}
		return frame.text();
	}

	/**
	 * Send text messages, one text frame each, pipelined: every frame in one write.
	 * @param messages the messages
	 * @throws IOException when the write fails
	 */
	@Override
	public void sendAll(List<String> messages) throws IOException {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		for (String message : messages) {
			frames.writeBytes(frame(true, TEXT, message.getBytes(StandardCharsets.UTF_8), true));
		}
		sendRaw(frames.toByteArray());
	}

	/**
	 * Receive one text message, as {@link #readText()}.
	 * @return the text
	 * @throws IOException when another kind of frame comes, the server closes, or nothing
	 * comes in time
	 */
	@Override
	public String receive() throws IOException {
		return readText();
	}

	/**
	 * Wait until the server closes the TCP connection, discarding whatever it still
	 * sends.
	 * @param timeout how long to wait
	 * @return {@code true} once the server closed (end of stream or reset), {@code false}
	 * if it is still open after the timeout
	 * @throws IOException on an unexpected I/O failure
	 */
	boolean awaitClosed(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				setTimeout(deadline);
				if (this.in.read() == -1) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			// a reset: the server closed while data was still in flight
			return true;
		}
	}

	private byte[] readExactly(int length, long deadline) throws IOException {
		byte[] bytes = new byte[length];
		int read = 0;
		while (read < length) {
			setTimeout(deadline);
			int count = this.in.read(bytes, read, length - read);
			if (count == -1) {
				throw new EOFException("The server closed the connection after " + read + " of " + length + " bytes");
			}
			read += count;
		}
		return bytes;
	}

	private int readByte(long deadline) throws IOException {
		setTimeout(deadline);
		int next = this.in.read();
		if (next == -1) {
			throw new EOFException("The server closed the connection");
		}
		return next;
	}

	private void setTimeout(long deadline) throws IOException {
		long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
		if (remainingMillis <= 0) {
			throw new SocketTimeoutException("Timed out waiting for the server");
		}
		this.socket.setSoTimeout((int) remainingMillis);
	}

	/**
	 * Close with a reset (SO_LINGER 0): the server sees "connection reset by peer".
	 * @throws IOException when closing fails
	 */
	@Override
	public void reset() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * The head of an HTTP response.
	 *
	 * @param statusLine the status line, such as {@code HTTP/1.1 101 Switching Protocols}
	 * @param status the status code
	 * @param headers the headers, names compared without case
	 * @param key the {@code Sec-WebSocket-Key} the request sent, when known
	 */
	record HttpResponseHead(String statusLine, int status, Map<String, String> headers, @Nullable String key) {

		@Nullable String header(String name) {
			return this.headers.get(name);
		}

		HttpResponseHead withKey(String key) {
			return new HttpResponseHead(this.statusLine, this.status, this.headers, key);
		}

	}

	/**
	 * One frame as it came off the wire.
	 *
	 * @param fin whether the FIN bit was set
	 * @param rsv the RSV bits, in place (0x40, 0x20, 0x10)
	 * @param opcode the opcode
	 * @param masked whether the frame was masked (a server must not mask)
	 * @param payload the payload, unmasked
	 */
	record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

		boolean isClose() {
			return this.opcode == CLOSE;
		}

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/**
		 * Return the status code of a close frame.
		 * @return the code, or 1005 when the close frame has none
		 */
		int closeCode() {
			requireClose();
			return (this.payload.length < 2) ? 1005 : ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

		/**
		 * Return the reason of a close frame.
		 * @return the reason, empty when there is none
		 */
		String closeReason() {
			requireClose();
			return (this.payload.length <= 2) ? ""
					: new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}

		private void requireClose() {
			if (!isClose()) {
				throw new IllegalStateException("Not a close frame: " + this);
			}
		}

		@Override
		public String toString() {
			return "Frame[fin=" + this.fin + ", opcode=0x" + Integer.toHexString(this.opcode) + ", masked="
					+ this.masked + ", " + this.payload.length + " bytes"
					+ ((this.opcode == CLOSE) ? ", close " + closeCode() + " '" + closeReason() + "'" : "") + "]";
		}

	}

}
