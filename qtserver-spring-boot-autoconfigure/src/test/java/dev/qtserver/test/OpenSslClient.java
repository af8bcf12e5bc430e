package dev.qtserver.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSL's {@code s_client}, as a user runs it against a TLS port: it connects, runs the
 * handshake, sends its input and quits at the end of it. {@code -brief} makes it report
 * the handshake (protocol, cipher, the server's certificate, verification; not ALPN) on
 * its standard error; what the server sent comes on its standard output.
 */
public final class OpenSslClient {

	private OpenSslClient() {
	}

	/**
	 * Connect, send the input, quit, and return what happened.
	 * @param port the server's loopback port
	 * @param input what the client sends once connected
	 * @param options more {@code s_client} options, such as {@code -servername}
	 * @return the outcome
	 */
	public static Result connect(int port, String input, String... options) {
		return run(port, input, List.of(options));
	}

	/**
	 * Connect and send the input, then stay connected until the server closes the
	 * connection ({@code -ign_eof}); the exchange runs in the background.
	 * @param port the server's loopback port
	 * @param input what the client sends once connected
	 * @param options more {@code s_client} options
	 * @return the outcome, once the server has closed the connection
	 */
	public static CompletableFuture<Result> connectUntilClosed(int port, String input, String... options) {
		List<String> all = new ArrayList<>(List.of(options));
		all.add("-ign_eof");
		return CompletableFuture.supplyAsync(() -> run(port, input, all), (task) -> new Thread(task).start());
	}

	private static Result run(int port, String input, List<String> options) {
		List<String> command = new ArrayList<>(
				List.of(RealClients.openssl(), "s_client", "-connect", "127.0.0.1:" + port, "-brief"));
		command.addAll(options);
		try {
			Process process = new ProcessBuilder(command).start();
			// a thread of its own: the common pool has one thread on two cores, and a
			// route
			// under test may need it while s_client runs
			CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()),
					(task) -> new Thread(task, "openssl-stderr").start());
			try (OutputStream stdin = process.getOutputStream()) {
				stdin.write(input.getBytes(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				// the server closed before the client read its input: the outcome says
				// why
			}
			String output = read(process.getInputStream());
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("openssl s_client did not finish within 30 s: " + command);
			}
			return new Result(process.exitValue(), output, errors.join());
		}
		catch (IOException ex) {
			throw new AssertionError("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static String read(InputStream stream) {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * What {@code s_client} did.
	 *
	 * @param exitCode its exit code: 0 when the handshake succeeded
	 * @param output what the server sent
	 * @param report the handshake report and errors
	 */
	public record Result(int exitCode, String output, String report) {

		/**
		 * Return whether the connection was established.
		 * @return whether the handshake succeeded
		 */
		public boolean connected() {
			return this.report.contains("CONNECTION ESTABLISHED");
		}

		/**
		 * Return a line of the handshake report.
		 * @param label such as {@code Protocol version}
		 * @return the value after the label, or an empty string
		 */
		public String reported(String label) {
			for (String line : this.report.split("\n")) {
				if (line.startsWith(label + ":")) {
					return line.substring(label.length() + 1).trim();
				}
			}
			return "";
		}

	}

}
