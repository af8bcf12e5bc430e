package dev.qtserver.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.qtserver.test.Netcat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report that opened the half-close issue, as a user ran it against the sample:
 * {@code seq 1 N | nc -N localhost PORT} must print all N lines, for the worker echo and
 * the {@code @NonBlocking} one, at and past the handler's read-ahead.
 */
@SpringBootTest(properties = SampleTestProperties.EPHEMERAL_PORTS)
class SampleHalfCloseTests {

	@Autowired
	private Environment environment;

	@ParameterizedTest(name = "seq 1 {1} | nc -N ({0})")
	@CsvSource({ "echo, 63", "echo, 64", "echo, 65", "echo, 1000", "echo, 50000", "fast-echo, 64", "fast-echo, 1000",
			"fast-echo, 50000" })
	void whenNetcatHalfClosesAfterManyLinesThenEveryLineComesBack(String server, int lines) throws Exception {
		int port = this.environment.getRequiredProperty("local.qtserver.tcp." + server + ".port", Integer.class);
		String seq = IntStream.rangeClosed(1, lines).mapToObj((i) -> i + "\n").collect(Collectors.joining());
		byte[] answer = Netcat.halfCloseExchange(port, seq.getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(30));
		assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo(seq);
	}

}
