package dev.qtserver.test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link HttpReplies} against a server that never reads the request, and one that answers
 * it.
 */
class HttpRepliesTests {

	@Test
	void whenNoReplyComesInTimeThenTheFailureCarriesAThreadDump() throws Exception {
		// the kernel completes the connection, nobody accepts it: the request is never
		// read
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/silent");
			HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(300)).build();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> HttpReplies.send(client, request, HttpResponse.BodyHandlers.ofString()))
				.withMessageStartingWith("No reply to GET " + uri + " within PT0.3S")
				.withMessageContaining("Thread dump at ")
				.withMessageContaining("\"" + Thread.currentThread().getName() + "\"")
				.withMessageContaining("SelectorManager")
				.withCauseInstanceOf(HttpTimeoutException.class);
		}
	}

	@Test
	void whenTheReplyComesThenItIsReturned() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> {
				try (Socket socket = server.accept()) {
					socket.getInputStream().read(new byte[1024]);
					socket.getOutputStream()
						.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
							.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
				}
				catch (java.io.IOException ex) {
					throw new IllegalStateException(ex);
				}
			}, "answering");
			answering.start();
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))
				.timeout(Duration.ofSeconds(10))
				.build();
			assertThat(HttpReplies.send(client, request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
			answering.join(10_000);
		}
	}

}
