package dev.qtserver.docs.quickstart;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.qtserver.test.Netcat;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "qtserver.tcp.echo.port=0")
class EchoApplicationTests {

	@Value("${local.qtserver.tcp.echo.port}")
	int port;

	@Test
	void echoesEveryLine() throws Exception {
		byte[] lines = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
		assertThat(Netcat.halfCloseExchange(this.port, lines, Duration.ofSeconds(10))).isEqualTo(lines);
	}

}
