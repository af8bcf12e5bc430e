package dev.qtserver.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.qtserver.tcp.QTcpServer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as a user runs it, talked to by a real client: OpenBSD {@code nc}.
 */
@SpringBootTest(properties = "qtserver.tcp.echo.port=0")
class SampleApplicationTests {

	@Value("${local.qtserver.tcp.echo.port}")
	private int echoPort;

	@Autowired
	private QTcpServer echoTcpServer;

	@Test
	void whenNetcatSendsALineThenTheEchoServerAnswersIt() throws Exception {
		assertThat(this.echoTcpServer.serverPort()).isEqualTo(this.echoPort);
		assertThat(netcat("hello\n")).isEqualTo("hello\n");
	}

	@Test
	void whenNetcatSendsSeveralLinesThenTheyComeBackInOrder() throws Exception {
		assertThat(netcat("one\ntwo\nthree\n")).isEqualTo("one\ntwo\nthree\n");
	}

	/** Runs {@code nc -N}, which half-closes after stdin and prints what the server answered. */
	private String netcat(String input) throws IOException, InterruptedException {
		Process nc = new ProcessBuilder("nc", "-N", "-w", "5", "127.0.0.1", String.valueOf(this.echoPort))
			.redirectErrorStream(true)
			.start();
		nc.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
		nc.getOutputStream().close();
		assertThat(nc.waitFor(10, TimeUnit.SECONDS)).as("nc finished").isTrue();
		return new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

}
