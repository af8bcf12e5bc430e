package dev.qtserver.websocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.qtserver.handler.OnMessage;

/**
 * Echoes on a worker; the first message waits until the test lets it go, and the rest
 * queue behind it.
 */
class HeldEcho {

	/** Five messages, the first of them held. */
	static final List<String> MESSAGES = List.of("0", "1", "2", "3", "4");

	/** A message whose handling fails (no {@code @OnError} takes it). */
	static final String FAIL = "fail";

	final CountDownLatch held = new CountDownLatch(1);

	final CountDownLatch release = new CountDownLatch(1);

	final List<String> handled = new CopyOnWriteArrayList<>();

	@OnMessage
	String echo(String text) throws InterruptedException {
		if (text.equals(MESSAGES.get(0))) {
			this.held.countDown();
			this.release.await(30, TimeUnit.SECONDS);
		}
		if (text.equals(FAIL)) {
			throw new IllegalStateException("failed as asked");
		}
		this.handled.add(text);
		return text;
	}

}
