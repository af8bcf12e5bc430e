package dev.qtserver.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.test.RealClients;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as a user runs it, talked to by real clients: OpenBSD {@code nc}
 * and Python's {@code websockets} (Debian's {@code python3-websockets}).
 */
@SpringBootTest(properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleApplicationTests {

	@Value("${local.qtserver.tcp.echo.port}")
	private int echoPort;

	@Value("${local.qtserver.tcp.fast-echo.port}")
	private int fastEchoPort;

	@Value("${local.qtserver.websocket.chat.port}")
	private int chatPort;

	@Autowired
	private QTcpServer echoTcpServer;

	@Test
	void whenNetcatSendsALineThenTheEchoServerAnswersIt() throws Exception {
		assertThat(this.echoTcpServer.serverPort()).isEqualTo(this.echoPort);
		assertThat(netcat("hello\n")).isEqualTo("hello\n");
	}

	@Test
	void whenNetcatSendsSeveralLinesThenTheyComeBackInOrder() throws Exception {
		assertThat(netcat(this.echoPort, "one\ntwo\nthree\n")).isEqualTo("one\ntwo\nthree\n");
	}

	@Test
	void whenNetcatTalksToTheNonBlockingEchoThenItAnswersToo() throws Exception {
		assertThat(netcat(this.fastEchoPort, "fast\n")).isEqualTo("fast\n");
	}

	@Test
	void whenTwoChatClientsAreConnectedThenAMessageFromOneReachesBoth() throws Exception {
		String script = """
				import asyncio, sys, websockets
				async def main(url):
				    async with websockets.connect(url, subprotocols=["chat.v2", "chat.v1"]) as a, \\
				               websockets.connect(url, subprotocols=["chat.v1"]) as b:
				        print(a.subprotocol, await a.recv(), sep="|")
				        await b.recv()
				        await a.send("hello from a")
				        print(await a.recv())
				        print(await b.recv())
				asyncio.run(asyncio.wait_for(main(sys.argv[1]), 10))
				""";
		assertThat(python(script, this.chatPort, "/chat"))
			.isEqualTo("chat.v1|welcome to ChatServer (chat.v1)\nhello from a\nhello from a\n");
	}

	@Test
	void whenAChatClientOffersNoSubprotocolThenTheWelcomeNamesNone() throws Exception {
		String script = """
				import asyncio, sys, websockets
				async def main(url):
				    async with websockets.connect(url) as client:
				        print(client.subprotocol, await client.recv(), sep="|")
				asyncio.run(asyncio.wait_for(main(sys.argv[1]), 10))
				""";
		assertThat(python(script, this.chatPort, "/chat")).isEqualTo("None|welcome to ChatServer\n");
	}

	/**
	 * Runs a Python script with a Python that has {@code websockets}
	 * ({@link RealClients}), and the server's URL as its argument; returns what it
	 * printed.
	 */
	private String python(String script, int port, String path) throws IOException, InterruptedException {
		Process python = RealClients
			.withCleanPythonEnvironment(
					new ProcessBuilder(RealClients.python(), "-c", script, "ws://127.0.0.1:" + port + path))
			.redirectErrorStream(true)
			.start();
		assertThat(python.waitFor(20, TimeUnit.SECONDS)).as("python finished").isTrue();
		return new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

	private String netcat(String input) throws IOException, InterruptedException {
		return netcat(this.echoPort, input);
	}

	/**
	 * Runs {@code nc -N}, which half-closes after stdin and prints what the server
	 * answered.
	 */
	private String netcat(int port, String input) throws IOException, InterruptedException {
		Process nc = new ProcessBuilder(RealClients.nc(), "-N", "-w", "5", "127.0.0.1", String.valueOf(port))
			.redirectErrorStream(true)
			.start();
		nc.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
		nc.getOutputStream().close();
		assertThat(nc.waitFor(10, TimeUnit.SECONDS)).as("nc finished").isTrue();
		return new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

}
