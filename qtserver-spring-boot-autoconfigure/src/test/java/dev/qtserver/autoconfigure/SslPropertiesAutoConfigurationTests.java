package dev.qtserver.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLSocket;

import dev.qtserver.autoconfigure.http.HttpServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.core.ServerListener;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.core.ClientAuth;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.test.TestCertificates;
import dev.qtserver.websocket.QWebSocketServer;
import dev.qtserver.websocket.SecureMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ssl} properties of every kind of server, through the auto-configuration and
 * Spring Boot's own SSL bundles ({@code spring.ssl.bundle.pem.*},
 * {@link SslAutoConfiguration}): a bundle name makes a listener secure, the other
 * properties reach its settings, a missing bundle fails startup naming the property, and
 * a bundle with {@code reload-on-update} that changes on disk serves new connections
 * without a restart.
 */
class SslPropertiesAutoConfigurationTests {

	@TempDir
	static Path directory;

	private static final TestCertificates certificates = TestCertificates.shared();

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(SslAutoConfiguration.class, QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, HttpServerAutoConfiguration.class));

	@Test
	void whenATcpServerNamesABundleThenItIsAQSslServerWithTheOtherSslPropertiesApplied() {
		this.runner.withPropertyValues(bundle("server", "server"))
			.withPropertyValues(bundle("other", "other"))
			.withPropertyValues("qtserver.tcp.secure.address=127.0.0.1", "qtserver.tcp.secure.ssl.bundle=server",
					"qtserver.tcp.secure.ssl.client-auth=want", "qtserver.tcp.secure.ssl.handshake-timeout=2s",
					"qtserver.tcp.secure.ssl.server-name-bundles[0].server-name=other.test",
					"qtserver.tcp.secure.ssl.server-name-bundles[0].bundle=other",
					"qtserver.tcp.plain.address=127.0.0.1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QTcpServer secure = context.getBean("secureTcpServer", QTcpServer.class);
				assertThat(secure.isSecure()).isTrue();
				assertThat(secure.settings().listen().tls()).isEqualTo(new TlsSettings("server",
						java.util.Map.of("other.test", "other"), ClientAuth.WANT, Duration.ofSeconds(2)));
				assertThat(secure.listeners().get(0).handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(context.getBean("plainTcpServer", QTcpServer.class).isSecure()).isFalse();
				assertThat(peerCertificate(secure.serverPort())).isEqualTo(certificate("server"));
			});
	}

	@Test
	void whenAWebSocketServerNamesABundleThenItIsInSecureModeAndItsHandshakeTimeoutCoversTls() {
		this.runner.withPropertyValues(bundle("server", "server"))
			.withPropertyValues("qtserver.websocket.chat.address=127.0.0.1", "qtserver.websocket.chat.path=/chat",
					"qtserver.websocket.chat.handshake-timeout=7s", "qtserver.websocket.chat.ssl.bundle=server")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QWebSocketServer server = context.getBean(QWebSocketServer.class);
				assertThat(server.secureMode()).isEqualTo(SecureMode.SECURE_MODE);
				assertThat(server.serverUrl()).hasScheme("wss");
				assertThat(server.listeners().get(0).handshakeTimeout()).isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void whenAnHttpListenerNamesABundleThenOnlyThatListenerIsSecure() {
		this.runner.withPropertyValues(bundle("server", "server"))
			.withPropertyValues("qtserver.http.web.address=127.0.0.1", "qtserver.http.web.listeners[0].port=0",
					"qtserver.http.web.listeners[1].port=0", "qtserver.http.web.listeners[1].ssl.bundle=server",
					"qtserver.http.web.listeners[1].ssl.client-auth=need")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ServerListener> listeners = context.getBean(QHttpServer.class).servers();
				assertThat(listeners).extracting(ServerListener::isSecure).containsExactly(false, true);
				assertThat(listeners.get(1).handshakeTimeout()).isEqualTo(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT);
				assertThat(context.getBean(QHttpServer.class).settings().listeners().get(1).tls())
					.isEqualTo(TlsSettings.of("server").withClientAuth(ClientAuth.NEED));
			});
	}

	@Test
	void whenTheNamedBundleDoesNotExistThenStartupFailsNamingTheProperty() {
		this.runner.withPropertyValues(bundle("server", "server"))
			.withPropertyValues("qtserver.tcp.secure.address=127.0.0.1", "qtserver.tcp.secure.ssl.bundle=missing")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
				assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("qtserver.tcp.secure.ssl.bundle")
					.hasMessageContaining("missing")
					.hasMessageContaining("[server]");
			});
	}

	@Test
	void whenAnHttpListenersBundleDoesNotExistThenStartupFailsNamingTheListenersProperty() {
		this.runner
			.withPropertyValues("qtserver.http.web.address=127.0.0.1", "qtserver.http.web.listeners[0].port=0",
					"qtserver.http.web.listeners[0].ssl.bundle=missing")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
				assertThat(cause).isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("qtserver.http.web.listeners[0].ssl.bundle");
			});
	}

	@Test
	void whenABundleWithReloadOnUpdateChangesOnDiskThenNewConnectionsGetTheNewCertificate() throws Exception {
		Path watched = Files.createDirectories(directory.resolve("watched"));
		Path certificate = watched.resolve("server.crt");
		Path key = watched.resolve("server.key");
		Files.copy(certificates.certificate("server"), certificate, StandardCopyOption.REPLACE_EXISTING);
		Files.copy(certificates.key("server"), key, StandardCopyOption.REPLACE_EXISTING);
		this.runner
			.withPropertyValues("spring.ssl.bundle.pem.live.reload-on-update=true",
					"spring.ssl.bundle.pem.live.keystore.certificate=" + certificate,
					"spring.ssl.bundle.pem.live.keystore.private-key=" + key,
					"spring.ssl.bundle.watch.file.quiet-period=100ms", "qtserver.tcp.secure.address=127.0.0.1",
					"qtserver.tcp.secure.ssl.bundle=live")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(SslBundles.class);
				int port = context.getBean(QTcpServer.class).serverPort();
				try (SSLSocket before = connect(port)) {
					assertThat(peer(before)).isEqualTo(certificate("server"));
					Files.copy(certificates.key("server2"), key, StandardCopyOption.REPLACE_EXISTING);
					Files.copy(certificates.certificate("server2"), certificate, StandardCopyOption.REPLACE_EXISTING);
					await().atMost(Duration.ofSeconds(20))
						.until(() -> certificate("server2").equals(peerCertificate(port)));
					// the live connection was not cut
					assertThat(before.isClosed()).isFalse();
					before.getOutputStream().write('\n');
				}
			});
	}

	private static String[] bundle(String bundle, String certificate) {
		return certificates.bundleProperties(bundle, certificate).toArray(String[]::new);
	}

	private static X509Certificate certificate(String name) throws Exception {
		try (var in = Files.newInputStream(certificates.certificate(name))) {
			return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

	private static X509Certificate peerCertificate(int port) throws Exception {
		try (SSLSocket socket = connect(port)) {
			return peer(socket);
		}
	}

	private static X509Certificate peer(SSLSocket socket) throws Exception {
		return (X509Certificate) socket.getSession().getPeerCertificates()[0];
	}

	private static SSLSocket connect(int port) throws Exception {
		SSLSocket socket = (SSLSocket) certificates.bundle("server")
			.createSslContext()
			.getSocketFactory()
			.createSocket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		socket.startHandshake();
		return socket;
	}

}
