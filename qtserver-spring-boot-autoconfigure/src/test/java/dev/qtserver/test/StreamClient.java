package dev.qtserver.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A loopback client for stream tests: writes a byte stream in the chunks a
 * {@link Chunking} chooses while another thread reads everything that comes back, then
 * ends its side as an {@link Ending} says. Reading and writing at once matters: a server
 * that stops reading while its replies are unread would otherwise deadlock the test
 * instead of passing or failing it.
 */
public final class StreamClient implements AutoCloseable {

	private final Socket socket;

	private final CompletableFuture<byte[]> received = new CompletableFuture<>();

	/** What has come so far; guarded by itself. */
	private final ByteArrayOutputStream sofar = new ByteArrayOutputStream();

	/**
	 * Opened once the client may read: at once, or when a test that plays a slow reader
	 * says so.
	 */
	private final CountDownLatch readGate;

	private StreamClient(Socket socket, boolean readAtOnce) {
		this.socket = socket;
		this.readGate = new CountDownLatch(readAtOnce ? 0 : 1);
		Thread reader = new Thread(this::readAll, "stream-client-reader");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Connect to a loopback port and start reading.
	 * @param port the server's port
	 * @return the client
	 * @throws IOException when the connection fails
	 */
	public static StreamClient connect(int port) throws IOException {
		return connect(port, true);
	}

	/**
	 * Connect to a loopback port without reading until {@link #startReading()}: a client
	 * that stalls, so that the server's replies fill the socket buffers and must wait for
	 * room.
	 * @param port the server's port
	 * @return the client
	 * @throws IOException when the connection fails
	 */
	public static StreamClient connectNotReading(int port) throws IOException {
		return connect(port, false);
	}

	private static StreamClient connect(int port, boolean readAtOnce) throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
		return new StreamClient(socket, readAtOnce);
	}

	/**
	 * Start reading, for a client made with {@link #connectNotReading(int)}.
	 */
	public void startReading() {
		this.readGate.countDown();
	}

	/**
	 * Write the bytes in chunks, then end the connection.
	 * @param bytes what to send
	 * @param chunking how to split it into writes
	 * @param random the source of random split points
	 * @param ending how to end the client's side afterwards
	 * @throws IOException when a write fails
	 */
	public void send(byte[] bytes, Chunking chunking, Random random, Ending ending) throws IOException {
		OutputStream out = this.socket.getOutputStream();
		int offset = 0;
		while (offset < bytes.length) {
			int length = Math.min(bytes.length - offset, chunking.nextChunk(random, bytes.length));
			out.write(bytes, offset, length);
			out.flush();
			offset += length;
		}
		ending.end(this.socket);
	}

	/**
	 * Wait until the server closes its side, and return everything it sent.
	 * @param timeout how long to wait
	 * @return the bytes received, in order
	 * @throws IOException when the connection failed (a reset, for example)
	 * @throws TimeoutException when the server did not close in time
	 */
	public byte[] awaitEndOfStream(Duration timeout) throws IOException, TimeoutException {
		try {
			return this.received.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IOException("Reading failed", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * Wait until what came so far contains a marker, such as the end of a response head.
	 * @param marker the text to wait for, in ISO-8859-1
	 * @param timeout how long to wait
	 * @throws TimeoutException when it did not come in time
	 * @throws InterruptedException when interrupted
	 */
	public void awaitReceived(String marker, Duration timeout) throws TimeoutException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.sofar) {
			while (!this.sofar.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0 || this.received.isDone()) {
					throw new TimeoutException(
							"No \"" + marker + "\" in what came: " + this.sofar.toString(StandardCharsets.ISO_8859_1));
				}
				this.sofar.wait(Math.min(left, 100));
			}
		}
	}

	private void readAll() {
		byte[] buffer = new byte[16384];
		try {
			if (!this.readGate.await(60, TimeUnit.SECONDS)) {
				throw new IOException("The test never let the client read");
			}
			InputStream in = this.socket.getInputStream();
			int count;
			while ((count = in.read(buffer)) != -1) {
				synchronized (this.sofar) {
					this.sofar.write(buffer, 0, count);
					this.sofar.notifyAll();
				}
			}
			synchronized (this.sofar) {
				this.received.complete(this.sofar.toByteArray());
				this.sofar.notifyAll();
			}
		}
		catch (IOException ex) {
			this.received.completeExceptionally(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.received.completeExceptionally(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/** How a byte stream is split into writes. */
	public enum Chunking {

		/** Everything in one write. */
		ONE_WRITE {
			@Override
			int nextChunk(Random random, int total) {
				return total;
			}
		},

		/** One byte per write: every frame boundary falls between reads. */
		BYTE_BY_BYTE {
			@Override
			int nextChunk(Random random, int total) {
				return 1;
			}
		},

		/**
		 * Writes of random sizes: one in eight of a few bytes, the rest up to eight
		 * kilobytes.
		 */
		RANDOM {
			@Override
			int nextChunk(Random random, int total) {
				return (random.nextInt(8) == 0) ? 1 + random.nextInt(16) : 1 + random.nextInt(8192);
			}
		};

		abstract int nextChunk(Random random, int total);

	}

	/** How the client ends its side once it has written everything. */
	public enum Ending {

		/**
		 * Leave the connection open and keep reading: the protocol ends it (a WebSocket
		 * close).
		 */
		KEEP_OPEN {
			@Override
			void end(Socket socket) {
			}
		},

		/** Shut the sending side down (a FIN) and keep reading: {@code nc -N}. */
		HALF_CLOSE {
			@Override
			void end(Socket socket) throws IOException {
				socket.shutdownOutput();
			}
		},

		/** Close the socket at once, without reading the replies. */
		CLOSE {
			@Override
			void end(Socket socket) throws IOException {
				socket.close();
			}
		},

		/** Close with a reset (SO_LINGER 0): the server sees a connection reset. */
		RESET {
			@Override
			void end(Socket socket) throws IOException {
				try {
					socket.setSoLinger(true, 0);
				}
				catch (SocketException ex) {
					// already reset by the server: closing is all that is left
				}
				socket.close();
			}
		};

		abstract void end(Socket socket) throws IOException;

	}

}
