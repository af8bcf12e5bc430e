package dev.qtserver.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the real clients the tests drive the servers with, and fails at once with what to
 * install when one is missing: a test that needs a client never skips, and never fails
 * deep in a script's stderr.
 *
 * <ul>
 * <li>OpenBSD {@code nc} from the {@code PATH} (Debian: {@code netcat-openbsd});</li>
 * <li>a Python 3 with the {@code websockets} module (Debian: {@code python3-websockets}):
 * {@code /usr/bin/python3}, Debian's own, because a {@code python3} earlier on the
 * {@code PATH} (pyenv, a virtualenv) usually lacks the module; the environment variable
 * {@value #PYTHON_VARIABLE} names another one;</li>
 * <li>{@code curl} (Debian: {@code curl}) and nghttp2's {@code h2load} (Debian:
 * {@code nghttp2-client}) from the {@code PATH}, for the HTTP server;</li>
 * <li>{@code openssl} (Debian: {@code openssl}) from the {@code PATH}, for TLS.</li>
 * </ul>
 */
public final class RealClients {

	/**
	 * The environment variable that names the Python to run the WebSocket clients with.
	 */
	public static final String PYTHON_VARIABLE = "QTSERVER_TEST_PYTHON";

	private static final String INSTALL = " (.ci/run installs it; see the README's test section)";

	private static volatile String python;

	private RealClients() {
	}

	/**
	 * Return the path of OpenBSD {@code nc}.
	 * @return the command
	 */
	public static String nc() {
		return onPath("nc", "OpenBSD nc", "netcat-openbsd");
	}

	/**
	 * Return the path of Debian's Chromium, run headless by the browser tests.
	 * @return the command
	 */
	public static String chromium() {
		return onPath("chromium", "Chromium", "chromium");
	}

	private static String onPath(String command, String what, String debianPackage) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
			Path candidate = Path.of(dir, command);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("The tests need " + what + " on the PATH: apt-get install " + debianPackage + INSTALL);
	}

	/**
	 * Return the path of {@code curl}, built with HTTP/2 (Debian: {@code curl}).
	 * @return the command
	 */
	public static String curl() {
		return onPath("curl", "curl", "curl");
	}

	/**
	 * Return the path of the {@code openssl} command line (Debian: {@code openssl}): it
	 * makes the tests' certificates and is their TLS client ({@code s_client}).
	 * @return the command
	 */
	public static String openssl() {
		return onPath("openssl", "OpenSSL's command line", "openssl");
	}

	/**
	 * Return the path of nghttp2's {@code h2load} (Debian: {@code nghttp2-client}).
	 * @return the command
	 */
	public static String h2load() {
		return onPath("h2load", "nghttp2's h2load", "nghttp2-client");
	}

	/**
	 * Return a Python 3 that can import {@code websockets}; checked once per test JVM.
	 * @return the interpreter's path
	 */
	public static String python() {
		String found = python;
		if (found == null) {
			found = checkedPython();
			python = found;
		}
		return found;
	}

	/**
	 * Prepare a process builder for the Python clients: the build's own Python
	 * environment (pyenv) must not leak into the interpreter they run with.
	 * @param builder the builder
	 * @return the same builder
	 */
	public static ProcessBuilder withCleanPythonEnvironment(ProcessBuilder builder) {
		builder.environment().keySet().removeIf((name) -> name.startsWith("PYTHON") || name.startsWith("PYENV"));
		return builder;
	}

	private static String checkedPython() {
		String configured = System.getenv(PYTHON_VARIABLE);
		String candidate = (configured != null && !configured.isBlank()) ? configured : "/usr/bin/python3";
		String advice = "The tests need a Python 3 with the websockets module: apt-get install python3-websockets"
				+ INSTALL + ", or set " + PYTHON_VARIABLE + " to a python3 that has it";
		if (!Files.isExecutable(Path.of(candidate))) {
			throw new AssertionError(advice + ". No executable " + candidate);
		}
		try {
			Process probe = withCleanPythonEnvironment(
					new ProcessBuilder(List.of(candidate, "-c", "import websockets")).redirectErrorStream(true))
				.start();
			String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
				throw new AssertionError(advice + ". " + candidate + " says: " + output.strip());
			}
		}
		catch (IOException ex) {
			throw new AssertionError(advice + ". Could not run " + candidate, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while checking " + candidate, ex);
		}
		return candidate;
	}

}
