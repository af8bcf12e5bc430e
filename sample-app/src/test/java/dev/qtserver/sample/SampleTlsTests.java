package dev.qtserver.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.qtserver.test.RealClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's secure servers, with the development certificate of {@code dev-tls/},
 * talked to by real clients that trust only its CA and check the host name: OpenSSL's
 * {@code s_client} on the TCP echo {@code tls-echo}, {@code curl} on the {@code web}
 * server's https listener (h2 by ALPN), and Python's {@code websockets} on the wss chat
 * {@code secure-chat} and on the {@code web} server's chat over https.
 */
@SpringBootTest(properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** The tests run in {@code sample-app/}, as the sample does under spring-boot:run. */
	private static final String CA = Path.of("dev-tls", "ca.crt").toAbsolutePath().toString();

	@Value("${local.qtserver.tcp.tls-echo.port}")
	private int tlsEchoPort;

	@Value("${local.qtserver.websocket.secure-chat.port}")
	private int secureChatPort;

	@Value("${local.qtserver.http.web.listeners[1].port}")
	private int httpsPort;

	@TempDir
	private Path temp;

	@Test
	void whenOpenSslSendsLinesToTheTlsEchoThenTheyComeBackOverAVerifiedTls13Connection() throws Exception {
		Path output = this.temp.resolve("s_client.out");
		Path report = this.temp.resolve("s_client.err");
		Process client = new ProcessBuilder(RealClients.openssl(), "s_client", "-connect",
				"127.0.0.1:" + this.tlsEchoPort, "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile",
				CA, "-verify_return_error", "-brief")
			.redirectOutput(output.toFile())
			.redirectError(report.toFile())
			.start();
		try {
			// stdin stays open until the lines are back: s_client quits at its end
			OutputStream stdin = client.getOutputStream();
			stdin.write("hello\nover tls\n".getBytes(StandardCharsets.UTF_8));
			stdin.flush();
			await().atMost(TIMEOUT).until(() -> Files.readString(output).equals("hello\nover tls\n"));
			stdin.close();
			assertThat(client.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("s_client finished").isTrue();
			assertThat(Files.readString(report)).contains("CONNECTION ESTABLISHED", "Protocol version: TLSv1.3",
					"Verification: OK", "Peer certificate: O = qtserver sample app, CN = localhost");
		}
		finally {
			client.destroyForcibly();
		}
	}

	@Test
	void whenCurlAsksTheHttpsListenerThenItAnswersOverH2ByAlpn() throws Exception {
		assertThat(curl("https://localhost:" + this.httpsPort + "/greetings/Ada"))
			.isEqualTo("{\"greeting\":\"Hello\",\"name\":\"Ada\"}\nHTTP/2");
	}

	@Test
	void whenCurlAsksTheHttpsListenerForHttp11ThenItAnswersOverHttp11() throws Exception {
		assertThat(curl("--http1.1", "https://localhost:" + this.httpsPort + "/plaintext"))
			.isEqualTo("Hello, World!\nHTTP/1.1");
	}

	@Test
	void whenTwoWssClientsAreInTheSecureChatThenAMessageFromOneReachesBoth() throws Exception {
		String script = """
				import asyncio, ssl, sys, websockets
				async def main(url, ca):
				    tls = ssl.create_default_context(cafile=ca)
				    async with websockets.connect(url, ssl=tls, subprotocols=["chat.v1"]) as a, \\
				               websockets.connect(url, ssl=tls) as b:
				        print(a.subprotocol, await a.recv(), sep="|")
				        print(b.subprotocol, await b.recv(), sep="|")
				        await a.send("hello over wss")
				        print(await a.recv())
				        print(await b.recv())
				asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 10))
				""";
		assertThat(python(script, "wss://localhost:" + this.secureChatPort + "/chat")).isEqualTo("""
				chat.v1|welcome to SecureChatServer (chat.v1)
				None|welcome to SecureChatServer
				hello over wss
				hello over wss
				""");
	}

	@Test
	void whenAWssClientChatsOnTheHttpsListenerThenItGetsItsMessageBack() throws Exception {
		String script = """
				import asyncio, ssl, sys, websockets
				async def main(url, ca):
				    async with websockets.connect(url, ssl=ssl.create_default_context(cafile=ca)) as client:
				        await client.send("hello over https")
				        print(await client.recv())
				asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 10))
				""";
		assertThat(python(script, "wss://localhost:" + this.httpsPort + "/ws")).isEqualTo("hello over https\n");
	}

	/**
	 * Runs curl, trusting only the sample's CA, with {@code localhost} resolved to
	 * 127.0.0.1; returns the body and, on a line of its own, the HTTP version.
	 */
	private String curl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(RealClients.curl(), "-sS", "--max-time", "20", "--cacert", CA,
				"--resolve", "localhost:" + this.httpsPort + ":127.0.0.1", "-w", "\n%{http_version}"));
		command.addAll(List.of(arguments));
		return run(command).replace("\n2", "\nHTTP/2").replace("\n1.1", "\nHTTP/1.1");
	}

	/**
	 * Runs a Python script with a Python that has {@code websockets}
	 * ({@link RealClients}), the server's URL and the CA file as its arguments; returns
	 * what it printed.
	 */
	private String python(String script, String url) throws IOException, InterruptedException {
		return run(RealClients
			.withCleanPythonEnvironment(new ProcessBuilder(RealClients.python(), "-c", script, url, CA)));
	}

	private String run(List<String> command) throws IOException, InterruptedException {
		return run(new ProcessBuilder(command));
	}

	/**
	 * Runs a client, its output into a file: no thread of ours reads it, so a busy common
	 * pool cannot hold the result back.
	 */
	private String run(ProcessBuilder builder) throws IOException, InterruptedException {
		Path output = Files.createTempFile(this.temp, "client", ".out");
		Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
		boolean finished = process.waitFor(40, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
		String text = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(finished).as("%s finished; it wrote %s", builder.command(), text).isTrue();
		assertThat(process.exitValue()).as("exit code of %s; it wrote %s", builder.command(), text).isZero();
		return text;
	}

}
