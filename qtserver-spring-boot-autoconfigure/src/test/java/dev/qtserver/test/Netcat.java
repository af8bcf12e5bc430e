package dev.qtserver.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenBSD {@code nc}, as a user runs it against a server: {@code nc -N} writes its input,
 * shuts its sending side down (a half-close) and prints everything the server answers
 * until the server closes. Missing {@code nc} fails the test with the package to install
 * ({@link RealClients}).
 */
public final class Netcat {

	private Netcat() {
	}

	/**
	 * Send the input with {@code nc -N} and return what the server answered.
	 * @param port the server's loopback port
	 * @param input what nc reads from its standard input
	 * @param timeout how long the whole exchange may take
	 * @return nc's standard output
	 * @throws IOException when nc cannot run or fails
	 * @throws InterruptedException when interrupted while waiting
	 */
	public static byte[] halfCloseExchange(int port, byte[] input, Duration timeout)
			throws IOException, InterruptedException {
		Process nc = new ProcessBuilder(RealClients.nc(), "-N", "-w", String.valueOf(timeout.toSeconds()), "127.0.0.1",
				String.valueOf(port))
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		// write while reading (a large exchange fills both directions' buffers), on a
		// thread of its own: the common pool has one thread on two cores
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			try (OutputStream stdin = nc.getOutputStream()) {
				stdin.write(input);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Writing to nc failed", ex);
			}
		}, (task) -> new Thread(task, "nc-stdin").start());
		byte[] output;
		try (InputStream stdout = nc.getInputStream()) {
			output = stdout.readAllBytes();
		}
		if (!nc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			nc.destroyForcibly();
			throw new IOException("nc did not finish within " + timeout);
		}
		writer.join();
		return output;
	}

}
