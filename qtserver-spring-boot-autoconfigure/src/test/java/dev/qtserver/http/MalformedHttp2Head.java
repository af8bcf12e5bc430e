package dev.qtserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends, on a socket that speaks HTTP/2 (by prior knowledge, or after ALPN), a request
 * head missing a pseudo-header on stream 1 and a good {@code GET} on stream 3, and reads
 * what the server makes of both. HPACK blocks are written by hand, with the static table
 * and literals.
 */
public final class MalformedHttp2Head {

	/** HPACK: {@code :authority} (static name index 1) {@code localhost}, literal. */
	private static final String AUTHORITY_LOCALHOST = "41096c6f63616c686f7374";

	private static final int HEADERS = 1;

	private static final int RST_STREAM = 3;

	private MalformedHttp2Head() {
	}

	/**
	 * Send both requests and read until stream 3 is answered.
	 * @param socket a connected socket, before the client preface
	 * @param block stream 1's head as an HPACK block in hex, to which
	 * {@code :authority localhost} is added
	 * @param path stream 3's path
	 * @param https whether stream 3's {@code :scheme} is {@code https}
	 * @return the error code stream 1 was reset with, {@code -1} if it was not
	 * @throws IOException when the socket fails, or times out
	 */
	public static int send(Socket socket, String block, String path, boolean https) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		// an empty SETTINGS frame
		out.write(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
		writeHeaders(out, 1, block + AUTHORITY_LOCALHOST);
		// GET, :scheme http (static 6) or https (static 7), :path literal
		writeHeaders(out, 3, (https ? "8287" : "8286") + "44" + String.format("%02x", path.length())
				+ HexFormat.of().formatHex(path.getBytes(StandardCharsets.US_ASCII)) + AUTHORITY_LOCALHOST);
		out.flush();
		InputStream in = socket.getInputStream();
		int resetCode = -1;
		while (true) {
			byte[] head = in.readNBytes(9);
			assertThat(head).as("a frame").hasSize(9);
			byte[] payload = in.readNBytes(((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff));
			int stream = head[8];
			if (head[3] == RST_STREAM && stream == 1) {
				resetCode = payload[3];
			}
			if (head[3] == HEADERS && stream == 3) {
				// :status 200, static index 8
				assertThat(payload[0] & 0xff).as("stream 3's :status").isEqualTo(0x88);
				return resetCode;
			}
		}
	}

	/** Write a HEADERS frame that ends its headers and its stream. */
	private static void writeHeaders(OutputStream out, int stream, String block) throws IOException {
		byte[] bytes = HexFormat.of().parseHex(block);
		out.write(new byte[] { 0, 0, (byte) bytes.length, HEADERS, 0x5, 0, 0, 0, (byte) stream });
		out.write(bytes);
	}

}
