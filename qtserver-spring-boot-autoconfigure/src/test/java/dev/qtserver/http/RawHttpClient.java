package dev.qtserver.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 client on a plain socket, for what other clients will not send: pipelined
 * requests, malformed ones, limits at their edges, and reading as slowly as a test likes.
 */
final class RawHttpClient implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private RawHttpClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
	}

	static RawHttpClient connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(HttpServerFixture.LOOPBACK, port), 5000);
		socket.setSoTimeout(10_000);
		return new RawHttpClient(socket);
	}

	/** Connect from a given local address, such as 127.0.0.2, to the loopback server. */
	static RawHttpClient connectFrom(InetAddress local, int port) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(local, 0));
		socket.connect(new InetSocketAddress(HttpServerFixture.LOOPBACK, port), 5000);
		socket.setSoTimeout(10_000);
		return new RawHttpClient(socket);
	}

	/** Connect with a small receive buffer, so that a server writing to it soon waits. */
	static RawHttpClient connectWithSmallBuffer(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(16 * 1024);
		socket.connect(new InetSocketAddress(HttpServerFixture.LOOPBACK, port), 5000);
		socket.setSoTimeout(10_000);
		return new RawHttpClient(socket);
	}

	Socket socket() {
		return this.socket;
	}

	InputStream input() {
		return this.in;
	}

	RawHttpClient send(String text) throws IOException {
		return send(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	RawHttpClient send(byte[] bytes) throws IOException {
		OutputStream out = this.socket.getOutputStream();
		out.write(bytes);
		out.flush();
		return this;
	}

	/** Send a GET for a path with a Host header. */
	RawHttpClient get(String path) throws IOException {
		return send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	}

	/** Read one response; the body of a HEAD response is not read. */
	Response read() throws IOException {
		return read(false);
	}

	Response readHead() throws IOException {
		return read(true);
	}

	private Response read(boolean head) throws IOException {
		String statusLine = line();
		while (statusLine.startsWith("HTTP/1.1 100")) {
			while (!line().isEmpty()) {
				// skip the interim response's headers
			}
			statusLine = line();
		}
		List<String> names = new ArrayList<>();
		Map<String, String> headers = fields(names);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		byte[] body;
		Map<String, String> trailers = Map.of();
		String length = headers.get("content-length");
		if (head || status == 204 || status == 304) {
			body = new byte[0];
		}
		else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream chunks = new ByteArrayOutputStream();
			int size;
			while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
				chunks.write(this.in.readNBytes(size));
				line();
			}
			trailers = fields(new ArrayList<>());
			body = chunks.toByteArray();
		}
		else if (length != null) {
			body = this.in.readNBytes(Integer.parseInt(length));
		}
		else {
			body = this.in.readAllBytes();
		}
		return new Response(status, headers, List.copyOf(names), body, trailers);
	}

	/**
	 * Read what is left until the server closes the connection.
	 * @throws java.net.SocketTimeoutException if it does not close it
	 */
	byte[] readUntilClosed() throws IOException {
		java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int read; (read = this.in.read(buffer)) != -1;) {
				rest.write(buffer, 0, read);
			}
		}
		catch (java.net.SocketException ex) {
			// reset: closed all the same
		}
		return rest.toByteArray();
	}

	/** Return whether the server closed the connection (reads until end of stream). */
	boolean isClosedByServer() throws IOException {
		try {
			return this.in.read() == -1;
		}
		catch (java.net.SocketException ex) {
			return true;
		}
	}

	private Map<String, String> fields(List<String> names) throws IOException {
		Map<String, String> fields = new LinkedHashMap<>();
		String line;
		while (!(line = line()).isEmpty()) {
			int colon = line.indexOf(':');
			String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			names.add(name);
			fields.putIfAbsent(name, line.substring(colon + 1).trim());
		}
		return fields;
	}

	private String line() throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = this.in.read()) != '\n') {
			if (b == -1) {
				throw new java.io.EOFException("Connection closed after '" + line + "'");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * One response.
	 *
	 * @param status the status code
	 * @param headers the headers, names in lower case, the first value of each
	 * @param names every header's name in lower case, in order, as often as it came
	 * @param body the body
	 * @param trailers the trailers of a chunked body
	 */
	record Response(int status, Map<String, String> headers, List<String> names, byte[] body,
			Map<String, String> trailers) {

		/** How many times a header came. */
		long count(String name) {
			return this.names.stream().filter(name.toLowerCase(Locale.ROOT)::equals).count();
		}

		@Nullable String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
