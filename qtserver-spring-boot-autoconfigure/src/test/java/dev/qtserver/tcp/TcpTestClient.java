package dev.qtserver.tcp;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.qtserver.test.MessageClient;

/**
 * A blocking test client on a plain {@link Socket}: every read has a timeout, so a reply
 * that never comes fails the test instead of hanging it. As a {@link MessageClient}, one
 * message is one line.
 */
final class TcpTestClient implements MessageClient {

	/** How long a read waits when the test does not say. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private TcpTestClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/**
	 * Connect to a server on the loopback address.
	 * @param port the server's port
	 * @return the connected client
	 * @throws IOException when the connection fails
	 */
	static TcpTestClient connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) DEFAULT_TIMEOUT.toMillis());
		return new TcpTestClient(socket);
	}

	/**
	 * Return the client's own port, which the server sees as the peer port.
	 * @return the local port
	 */
	int localPort() {
		return this.socket.getLocalPort();
	}

	/**
	 * Send text in UTF-8 followed by {@code \n}.
	 * @param line the line, without its end
	 * @throws IOException when the write fails
	 */
	void sendLine(String line) throws IOException {
		send(line + "\n");
	}

	/**
	 * Send text in UTF-8 as it is, without a line end.
	 * @param text the text
	 * @throws IOException when the write fails
	 */
	void send(String text) throws IOException {
		sendRaw(text.getBytes(StandardCharsets.UTF_8));
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

	@Override
	public void sendAll(List<String> messages) throws IOException {
		send(String.join("\n", messages) + "\n");
	}

	@Override
	public String receive() throws IOException {
		return readLine();
	}

	/**
	 * Read one {@code \n}-terminated line of UTF-8, waiting at most
	 * {@link #DEFAULT_TIMEOUT}.
	 * @return the line without its {@code \n}
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	String readLine() throws IOException {
		return readLine(DEFAULT_TIMEOUT);
	}

	/**
	 * Read one {@code \n}-terminated line of UTF-8.
	 * @param timeout how long to wait for the whole line
	 * @return the line without its {@code \n}
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	String readLine(Duration timeout) throws IOException {
		return new String(readUntil((byte) '\n', timeout), StandardCharsets.UTF_8);
	}

	/**
	 * Read up to a delimiter byte, waiting at most {@link #DEFAULT_TIMEOUT}.
	 * @param delimiter the byte that ends the frame
	 * @return the bytes before the delimiter
	 * @throws IOException when the server closes first or nothing comes in time
	 */
	byte[] readUntil(byte delimiter) throws IOException {
		return readUntil(delimiter, DEFAULT_TIMEOUT);
	}

	private byte[] readUntil(byte delimiter, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		while (true) {
			int next = readByte(deadline);
			if (next == delimiter) {
				return frame.toByteArray();
			}
			frame.write(next);
		}
	}

	/**
	 * Read exactly {@code length} bytes, waiting at most {@link #DEFAULT_TIMEOUT}.
	 * @param length how many bytes
	 * @return the bytes
	 * @throws IOException when the server closes first or they do not come in time
	 */
	byte[] readExactly(int length) throws IOException {
		long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) readByte(deadline);
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

	/**
	 * Wait until the server closes the connection, discarding whatever it still sends.
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

	private void setTimeout(long deadline) throws IOException {
		long remainingMillis = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
		if (remainingMillis <= 0) {
			throw new SocketTimeoutException("Timed out waiting for the server");
		}
		this.socket.setSoTimeout((int) remainingMillis);
	}

	/**
	 * Close with a reset (SO_LINGER 0): the server sees the connection reset.
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

}
