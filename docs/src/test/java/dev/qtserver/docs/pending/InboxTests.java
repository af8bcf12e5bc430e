package dev.qtserver.docs.pending;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.qtserver.test.Netcat;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's inbox answers, and closes the connection once the client is done.
 */
@SpringBootTest(classes = InboxApplication.class, properties = "qtserver.tcp.inbox.port=0")
class InboxTests {

	@Value("${local.qtserver.tcp.inbox.port}")
	int port;

	@Test
	void whenAClientSendsLinesThenTheInboxWelcomesAnswersAndCloses() throws Exception {
		byte[] answer = Netcat.halfCloseExchange(this.port, "one\ntwo\n".getBytes(StandardCharsets.UTF_8),
				Duration.ofSeconds(10));
		assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("welcome\nyou said: one\nyou said: two\n");
	}

}
