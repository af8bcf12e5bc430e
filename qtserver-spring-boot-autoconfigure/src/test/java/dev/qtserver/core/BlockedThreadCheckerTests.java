package dev.qtserver.core;

import java.time.Duration;

import dev.qtserver.test.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BlockedThreadChecker} on its own; the warning for real handlers is
 * tested in {@code HandlerPlacementContractTests}.
 */
class BlockedThreadCheckerTests {

	@Test
	void whenACallIsMadeInsideAnotherThenTheOuterOneIsStillWatchedOnceTheInnerOneEnds() {
		try (BlockedThreadChecker checker = BlockedThreadChecker.start(Duration.ofMillis(50));
				LogCapture log = LogCapture.of(BlockedThreadChecker.class)) {
			BlockedThreadChecker.callStarted("Outer.call()");
			try {
				BlockedThreadChecker.callStarted("Inner.call()");
				BlockedThreadChecker.callEnded();
				// this thread stays in the outer call until the checker notices
				await().atMost(Duration.ofSeconds(5)).until(() -> !log.messages().isEmpty());
			}
			finally {
				BlockedThreadChecker.callEnded();
			}
			assertThat(log.messages()).singleElement()
				.satisfies((message) -> assertThat(message).startsWith("WARN ").contains("Outer.call()"));
		}
	}

}
