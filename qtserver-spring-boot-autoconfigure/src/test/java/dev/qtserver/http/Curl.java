package dev.qtserver.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.qtserver.test.RealClients;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real {@code curl} and nghttp2's {@code h2load} against a server.
 */
public final class Curl {

	private Curl() {
	}

	/**
	 * Run curl with the given arguments and return what it wrote: {@code -i} puts the
	 * status line and headers before the body.
	 */
	public static String run(String... arguments) {
		List<String> command = new ArrayList<>(List.of(RealClients.curl(), "-sS", "--max-time", "20"));
		command.addAll(List.of(arguments));
		return exec(command);
	}

	/** Run h2load and return its report. */
	public static String h2load(String... arguments) {
		List<String> command = new ArrayList<>(List.of(RealClients.h2load()));
		command.addAll(List.of(arguments));
		return exec(command);
	}

	/**
	 * Run a command, its output into a file: no thread of ours reads it, so a busy common
	 * pool (parallelism 1 on two cores) cannot hold the result back.
	 */
	private static String exec(List<String> command) {
		Path output = null;
		try {
			output = Files.createTempFile("qtserver-curl", ".out");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			boolean finished = process.waitFor(40, TimeUnit.SECONDS);
			if (!finished) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			assertThat(finished).as("%s finished; it wrote %s", command, text).isTrue();
			assertThat(process.exitValue()).as("exit code of %s; it wrote %s", command, text).isZero();
			return text.replace("\r\n", "\n");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
		finally {
			if (output != null) {
				output.toFile().delete();
			}
		}
	}

}
