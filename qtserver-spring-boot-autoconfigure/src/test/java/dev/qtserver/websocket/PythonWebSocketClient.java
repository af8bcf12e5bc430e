package dev.qtserver.websocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.qtserver.test.RealClients;

/**
 * Runs one of the Python WebSocket clients under {@code src/test/resources/ws-clients}
 * with the Python {@link RealClients#python()} finds (Debian's, which has the
 * {@code websockets} package), so the server is tested against an independent RFC 6455
 * implementation. The scripts print {@code key=value} lines; every wait here is bounded,
 * and a failure message carries the script's stdout and stderr.
 */
public final class PythonWebSocketClient implements AutoCloseable {

	private final String description;

	private final Process process;

	private final Writer stdin;

	private final List<String> stdout = new ArrayList<>();

	private final StringBuffer stderr = new StringBuffer();

	/** How many stdout lines {@link #await(String, Duration)} has gone past. */
	private int cursor;

	private boolean stdoutClosed;

	private PythonWebSocketClient(String script, List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(RealClients.python(), "-u", scriptPath(script).toString()));
		command.addAll(arguments);
		this.description = String.join(" ", command);
		ProcessBuilder builder = RealClients.withCleanPythonEnvironment(new ProcessBuilder(command));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.description, ex);
		}
		this.stdin = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		pump(this.process.getInputStream(), "stdout", this::stdoutLine, this::stdoutClosed);
		pump(this.process.getErrorStream(), "stderr", (line) -> this.stderr.append(line).append('\n'), () -> {
		});
	}

	/**
	 * Run a script to its end and return what it printed; fails unless it exits with 0 in
	 * time.
	 * @param script the script name, such as {@code echo.py}
	 * @param timeout how long the script may run
	 * @param arguments the script's arguments
	 * @return its output
	 */
	public static Output run(String script, Duration timeout, String... arguments) {
		try (PythonWebSocketClient client = start(script, arguments)) {
			return client.finish(timeout);
		}
	}

	/**
	 * Start a script and leave it running, to talk to it with {@link #command(String)}
	 * and {@link #await(String, Duration)}.
	 * @param script the script name, such as {@code session.py}
	 * @param arguments the script's arguments
	 * @return the running client
	 */
	public static PythonWebSocketClient start(String script, String... arguments) {
		return new PythonWebSocketClient(script, List.of(arguments));
	}

	/**
	 * Send the script one command line.
	 * @param command the command, such as {@code send hello}
	 * @return this client
	 */
	public PythonWebSocketClient command(String command) {
		try {
			this.stdin.write(command + "\n");
			this.stdin.flush();
		}
		catch (IOException ex) {
			throw new AssertionError("Could not send '" + command + "' to " + diagnostics(), ex);
		}
		return this;
	}

	/**
	 * Wait for the next {@code key=value} line with this key, after those already
	 * awaited.
	 * @param key the key
	 * @param timeout how long to wait
	 * @return the value
	 */
	public synchronized String await(String key, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String prefix = key + "=";
		while (true) {
			while (this.cursor < this.stdout.size()) {
				String line = this.stdout.get(this.cursor++);
				if (line.startsWith(prefix)) {
					return line.substring(prefix.length());
				}
			}
			long remaining = deadline - System.nanoTime();
			if (this.stdoutClosed || remaining <= 0) {
				throw new AssertionError("No '" + key + "=' line within " + timeout + " from " + diagnostics());
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, remaining);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for '" + key + "=' from " + diagnostics(), ex);
			}
		}
	}

	/**
	 * Close the script's stdin and wait for it to exit with 0.
	 * @param timeout how long to wait
	 * @return everything it printed
	 */
	public Output finish(Duration timeout) {
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// already gone: waitFor tells
		}
		boolean exited;
		try {
			exited = this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted waiting for " + diagnostics(), ex);
		}
		if (!exited) {
			this.process.destroyForcibly();
			throw new AssertionError("Did not exit within " + timeout + ": " + diagnostics());
		}
		awaitStdoutClosed(timeout);
		if (this.process.exitValue() != 0) {
			throw new AssertionError("Exited with " + this.process.exitValue() + ": " + diagnostics());
		}
		synchronized (this) {
			return new Output(List.copyOf(this.stdout), this.stderr.toString());
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private synchronized void awaitStdoutClosed(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.stdoutClosed && System.nanoTime() < deadline) {
			try {
				TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private synchronized void stdoutLine(String line) {
		this.stdout.add(line);
		notifyAll();
	}

	private synchronized void stdoutClosed() {
		this.stdoutClosed = true;
		notifyAll();
	}

	private synchronized String diagnostics() {
		return this.description + "\n--- stdout ---\n" + String.join("\n", this.stdout) + "\n--- stderr ---\n"
				+ this.stderr;
	}

	private static Path scriptPath(String script) {
		URL resource = PythonWebSocketClient.class.getResource("/ws-clients/" + script);
		if (resource == null) {
			throw new IllegalArgumentException("No script ws-clients/" + script + " on the test classpath");
		}
		try {
			return Path.of(resource.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void pump(InputStream stream, String name, Consumer<String> lines, Runnable end) {
		Thread thread = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					lines.accept(line);
				}
			}
			catch (IOException ex) {
				// the process was destroyed
			}
			finally {
				end.run();
			}
		}, "python-" + name);
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * What a script printed.
	 *
	 * @param lines its stdout lines
	 * @param stderr its stderr
	 */
	public record Output(List<String> lines, String stderr) {

		/**
		 * Return the value of the first line with this key.
		 * @param key the key
		 * @return the value
		 */
		public String value(String key) {
			List<String> values = values(key);
			if (values.isEmpty()) {
				throw new AssertionError("No '" + key + "=' line in\n" + String.join("\n", this.lines)
						+ "\n--- stderr ---\n" + this.stderr);
			}
			return values.get(0);
		}

		/**
		 * Return the values of every line with this key, in order.
		 * @param key the key
		 * @return the values
		 */
		public List<String> values(String key) {
			String prefix = key + "=";
			return this.lines.stream()
				.filter((line) -> line.startsWith(prefix))
				.map((line) -> line.substring(prefix.length()))
				.toList();
		}

		@Override
		public String toString() {
			return String.join("\n", this.lines) + "\n--- stderr ---\n" + this.stderr;
		}

	}

}
