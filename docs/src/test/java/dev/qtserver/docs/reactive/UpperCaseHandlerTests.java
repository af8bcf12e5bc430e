package dev.qtserver.docs.reactive;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's reactive handler answers in upper case.
 */
@SpringBootTest(classes = UpperCaseApplication.class, properties = "qtserver.tcp.upper.port=0")
class UpperCaseHandlerTests {

	@Value("${local.qtserver.tcp.upper.port}")
	int port;

	@Test
	void whenAClientSendsALineThenItComesBackInUpperCase() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write("shout\n".getBytes(StandardCharsets.UTF_8));
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			assertThat(in.readLine()).isEqualTo("SHOUT");
		}
	}

}
