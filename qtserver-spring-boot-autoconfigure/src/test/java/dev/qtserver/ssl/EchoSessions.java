package dev.qtserver.ssl;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.websocket.QWebSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket handler for the TLS tests: echoes text messages and keeps each session, so
 * a test can look at the session a client opened.
 */
class EchoSessions {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<QWebSocket> sessions = new LinkedBlockingQueue<>();

	@OnConnect
	void connected(QWebSocket session) {
		this.sessions.add(session);
	}

	@OnMessage
	String echo(String text) {
		return text;
	}

	/**
	 * Return the next session opened.
	 * @return the session
	 */
	QWebSocket next() {
		try {
			QWebSocket session = this.sessions.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(session).as("a session was opened").isNotNull();
			return session;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
