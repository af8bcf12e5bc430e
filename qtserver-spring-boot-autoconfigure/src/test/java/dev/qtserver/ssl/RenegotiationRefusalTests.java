package dev.qtserver.ssl;

import java.nio.ByteBuffer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import dev.qtserver.test.TestCertificates;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JDK's own engines, a client and a server handshaking in memory, show what the
 * refusal makes the server's engine send: what the JDK sends under
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}, on whichever JDK runs the tests.
 */
class RenegotiationRefusalTests {

	private static final TestCertificates certificates = TestCertificates.shared();

	private final SSLContext context = certificates.bundle("server").createSslContext();

	@Test
	void whenATls12HandshakeIsOverThenTheServerSendsAFatalHandshakeFailure() throws Exception {
		SSLEngine server = engine(false);
		SSLEngine client = engine(true);
		handshake(client, server);
		assertThat(server.getSession().getProtocol()).isEqualTo("TLSv1.2");
		assertThat(RenegotiationRefusal.queueAlert(server)).isTrue();
		ByteBuffer alert = wrap(server);
		assertThat(alert.hasRemaining()).isTrue();
		assertThat(server.isOutboundDone()).isTrue();
		assertThatExceptionOfType(SSLException.class).isThrownBy(() -> client.unwrap(alert, applicationBuffer(client)))
			.withMessageContaining("Received fatal alert: " + RenegotiationRefusal.ALERT.tlsName());
	}

	@Test
	void whenTheAlertIsQueuedThenTheSessionCanNoLongerBeResumed() throws Exception {
		SSLEngine server = engine(false);
		handshake(engine(true), server);
		RenegotiationRefusal.queueAlert(server);
		assertThat(server.getSession().isValid()).isFalse();
	}

	@Test
	void whenTheServerHasAlreadyClosedThenNoAlertIsQueued() throws Exception {
		SSLEngine server = engine(false);
		handshake(engine(true), server);
		server.closeOutbound();
		wrap(server);
		assertThat(RenegotiationRefusal.queueAlert(server)).isFalse();
	}

	private SSLEngine engine(boolean client) {
		SSLEngine engine = this.context.createSSLEngine("localhost", 443);
		engine.setUseClientMode(client);
		engine.setEnabledProtocols(new String[] { "TLSv1.2" });
		return engine;
	}

	private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
		client.beginHandshake();
		server.beginHandshake();
		ByteBuffer toServer = ByteBuffer.allocate(0);
		ByteBuffer toClient = ByteBuffer.allocate(0);
		for (int round = 0; round < 100 && !(finished(client) && finished(server)); round++) {
			toServer = concat(toServer, step(client, toClient));
			toClient = concat(toClient, step(server, toServer));
		}
		assertThat(finished(client) && finished(server)).as("handshake finished").isTrue();
	}

	private static boolean finished(SSLEngine engine) {
		return engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
	}

	/** One step of an engine's handshake: what it sends, having read what it can. */
	private static ByteBuffer step(SSLEngine engine, ByteBuffer incoming) throws SSLException {
		switch (engine.getHandshakeStatus()) {
			case NEED_TASK -> {
				for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
					task.run();
				}
			}
			case NEED_WRAP -> {
				return wrap(engine);
			}
			case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
				if (incoming.hasRemaining()) {
					engine.unwrap(incoming, applicationBuffer(engine));
				}
			}
			default -> {
			}
		}
		return ByteBuffer.allocate(0);
	}

	private static ByteBuffer wrap(SSLEngine engine) throws SSLException {
		ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
		engine.wrap(ByteBuffer.allocate(0), out);
		return out.flip();
	}

	private static ByteBuffer applicationBuffer(SSLEngine engine) {
		return ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
	}

	private static ByteBuffer concat(ByteBuffer pending, ByteBuffer more) {
		ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + more.remaining());
		return joined.put(pending).put(more).flip();
	}

}
