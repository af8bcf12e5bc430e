package dev.qtserver.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.qtserver.test.RealClients;

import static org.awaitility.Awaitility.await;

/**
 * Headless Chromium with a page open, read through the DevTools protocol. Chromium's
 * {@code --dump-dom} prints the page once it has loaded, and since the new headless mode
 * (Chromium 132 and later) {@code --virtual-time-budget} no longer waits for a
 * WebSocket's messages; asking the live page with {@code Runtime.evaluate} until it shows
 * what a test waits for does not depend on either.
 */
final class HeadlessChromium implements AutoCloseable {

	private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

	private static final Pattern PAGE_TARGET = Pattern
		.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+)\"");

	private static final Pattern STRING_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final Process process;

	private final Path profile;

	private final WebSocket devTools;

	private final BlockingQueue<String> replies;

	private int nextId;

	private HeadlessChromium(Process process, Path profile, WebSocket devTools, BlockingQueue<String> replies) {
		this.process = process;
		this.profile = profile;
		this.devTools = devTools;
		this.replies = replies;
	}

	/**
	 * Start Chromium on a page.
	 * @param url the page
	 * @return the browser, with the page loading
	 * @throws IOException if Chromium cannot be started or does not open its DevTools
	 */
	static HeadlessChromium open(String url) throws IOException {
		Path profile = Files.createTempDirectory("chromium-profile");
		Process process = new ProcessBuilder(RealClients.chromium(), "--headless", "--no-sandbox", "--disable-gpu",
				"--remote-debugging-port=0", "--user-data-dir=" + profile, url)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			URI browser = devToolsAddress(process);
			HttpClient client = HttpClient.newHttpClient();
			URI page = pageTarget(client, browser);
			BlockingQueue<String> replies = new LinkedBlockingQueue<>();
			WebSocket devTools = client.newWebSocketBuilder()
				.buildAsync(page, new Replies(replies))
				.get(10, TimeUnit.SECONDS);
			return new HeadlessChromium(process, profile, devTools, replies);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			deleteProfile(profile);
			throw new IOException("Could not reach headless Chromium's DevTools", ex);
		}
	}

	/** Chromium prints where its DevTools listen on stderr; the rest is drained. */
	private static URI devToolsAddress(Process process) throws IOException {
		BufferedReader errors = new BufferedReader(
				new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = errors.readLine()) != null) {
			Matcher matcher = DEVTOOLS.matcher(line);
			if (matcher.find()) {
				Thread drain = new Thread(() -> errors.lines().forEach((ignored) -> {
				}), "chromium-stderr");
				drain.setDaemon(true);
				drain.start();
				return URI.create(matcher.group(1));
			}
		}
		throw new IOException("Chromium exited before opening its DevTools");
	}

	/** The page's own DevTools address, once Chromium lists the page. */
	private static URI pageTarget(HttpClient client, URI browser) {
		URI list = URI.create("http://" + browser.getAuthority() + "/json/list");
		String target = await().atMost(Duration.ofSeconds(20)).until(() -> {
			HttpResponse<String> response = client.send(HttpRequest.newBuilder(list).build(),
					HttpResponse.BodyHandlers.ofString());
			Matcher matcher = PAGE_TARGET.matcher(response.body());
			return matcher.find() ? matcher.group(1) : null;
		}, (found) -> found != null);
		return URI.create(target);
	}

	/**
	 * Evaluate a JavaScript expression that yields a string in the page, as it is now.
	 * @param expression the expression, without double quotes or backslashes
	 * @return its value
	 * @throws IllegalStateException when the reply is not a string
	 */
	String evaluate(String expression) throws InterruptedException {
		int id = ++this.nextId;
		this.devTools
			.sendText("{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":\"" + expression
					+ "\",\"returnByValue\":true}}", true)
			.join();
		String prefix = "{\"id\":" + id + ",";
		String reply;
		do {
			reply = this.replies.poll(10, TimeUnit.SECONDS);
			if (reply == null) {
				throw new IllegalStateException("No DevTools reply to " + expression);
			}
		}
		while (!reply.startsWith(prefix));
		Matcher value = STRING_VALUE.matcher(reply);
		if (!value.find()) {
			throw new IllegalStateException("Not a string: " + reply);
		}
		return value.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
	}

	@Override
	public void close() throws InterruptedException {
		this.devTools.abort();
		// Chromium's helpers (network service, renderer) write to the profile too and
		// may outlive the browser process by a moment: taken now, while they are still
		// its descendants, and awaited before the profile is deleted
		List<ProcessHandle> helpers = this.process.descendants().toList();
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		for (ProcessHandle helper : helpers) {
			helper.destroy();
			try {
				helper.onExit().get(5, TimeUnit.SECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				helper.destroyForcibly();
			}
		}
		deleteProfile(this.profile);
	}

	private static void deleteProfile(Path profile) {
		try (Stream<Path> files = Files.walk(profile)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// a temporary directory (a file may vanish while it is walked): left for the
			// system to clean
		}
	}

	/** Collects whole DevTools messages. */
	private static final class Replies implements WebSocket.Listener {

		private final BlockingQueue<String> replies;

		private final StringBuilder partial = new StringBuilder();

		Replies(BlockingQueue<String> replies) {
			this.replies = replies;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.replies.add(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

	}

}
