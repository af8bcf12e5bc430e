package dev.qtserver.sample.bench;

import java.time.Duration;

import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;

/**
 * The benchmark's server {@code blocking-echo}: a plain handler that blocks for a while
 * on each line, as a call to a remote service would, before it echoes the line. It runs
 * on a worker thread (virtual threads with {@code spring.threads.virtual.enabled=true} on
 * JDK 21 and later).
 */
@Profile("bench")
@QtHandler(server = "blocking-echo")
class BlockingEchoHandler {

	private final long blockNanos;

	BlockingEchoHandler(@Value("${sample.bench.block:1ms}") Duration block) {
		this.blockNanos = block.toNanos();
	}

	@OnMessage
	String echo(String line) throws InterruptedException {
		Thread.sleep(this.blockNanos / 1_000_000, (int) (this.blockNanos % 1_000_000));
		return line;
	}

}
