package dev.qtserver.docs.bytes;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code ByteBuffer} echo sends every line back as it came.
 */
@SpringBootTest(classes = BytesEchoApplication.class, properties = "qtserver.tcp.echo.port=0")
class BytesEchoTests {

	@Value("${local.qtserver.tcp.echo.port}")
	int port;

	@Test
	void whenAClientSendsLinesThenEachComesBackAsItCame() throws Exception {
		byte[] lines = "hello\nwörld\n\n".getBytes(StandardCharsets.UTF_8);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(lines);
			InputStream in = socket.getInputStream();
			assertThat(in.readNBytes(lines.length)).isEqualTo(lines);
		}
	}

}
