package dev.qtserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends, on a socket that speaks HTTP/2 (by prior knowledge, or after ALPN), a malformed
 * request on stream 1 (a head missing a pseudo-header, a body that breaks its
 * {@code content-length}) and a good {@code GET} on stream 3, and reads what the server
 * makes of both. HPACK blocks are written by hand, with the static table and literals.
 */
public final class MalformedHttp2Head {

	/** HPACK: {@code :authority} (static name index 1) {@code localhost}, literal. */
	public static final String AUTHORITY_LOCALHOST = "41096c6f63616c686f7374";

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
		return exchange(socket, headersFrame(1, block + AUTHORITY_LOCALHOST, true), path, https).resetCode();
	}

	/**
	 * Send stream 1's frames, then a good {@code GET} on stream 3, and read until stream
	 * 3 is answered.
	 * @param socket a connected socket, before the client preface
	 * @param stream1 stream 1's frames, in hex
	 * @param path stream 3's path
	 * @param https whether stream 3's {@code :scheme} is {@code https}
	 * @return what stream 1 got meanwhile
	 * @throws IOException when the socket fails, or times out
	 */
	public static Stream1 exchange(Socket socket, String stream1, String path, boolean https) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		// an empty SETTINGS frame
		out.write(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });
		out.write(HexFormat.of().parseHex(stream1));
		// GET, :scheme http (static 6) or https (static 7), :path literal
		out.write(HexFormat.of()
			.parseHex(headersFrame(3,
					(https ? "8287" : "8286") + "44" + String.format("%02x", path.length())
							+ HexFormat.of().formatHex(path.getBytes(StandardCharsets.US_ASCII)) + AUTHORITY_LOCALHOST,
					true)));
		out.flush();
		InputStream in = socket.getInputStream();
		int resetCode = -1;
		boolean answered = false;
		while (true) {
			byte[] head = in.readNBytes(9);
			assertThat(head).as("a frame").hasSize(9);
			byte[] payload = in.readNBytes(((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff));
			int stream = head[8];
			if (head[3] == RST_STREAM && stream == 1) {
				resetCode = payload[3];
			}
			if (head[3] == HEADERS && stream == 1) {
				answered = true;
			}
			if (head[3] == HEADERS && stream == 3) {
				// :status 200, static index 8
				assertThat(payload[0] & 0xff).as("stream 3's :status").isEqualTo(0x88);
				return new Stream1(resetCode, answered);
			}
		}
	}

	/**
	 * A HEADERS frame that ends its headers, in hex.
	 * @param stream the stream
	 * @param block the HPACK block, in hex
	 * @param endStream whether it ends the stream too
	 * @return the frame
	 */
	public static String headersFrame(int stream, String block, boolean endStream) {
		return String.format("%06x01%02x%08x", block.length() / 2, endStream ? 0x5 : 0x4, stream) + block;
	}

	/**
	 * A DATA frame, in hex.
	 * @param stream the stream
	 * @param data what it carries, as ASCII
	 * @param endStream whether it ends the stream
	 * @return the frame
	 */
	public static String dataFrame(int stream, String data, boolean endStream) {
		return String.format("%06x00%02x%08x", data.length(), endStream ? 0x1 : 0x0, stream)
				+ HexFormat.of().formatHex(data.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * What stream 1 got while stream 3 was answered.
	 *
	 * @param resetCode the error code it was reset with, {@code -1} if it was not
	 * @param answered whether a response head came on it
	 */
	public record Stream1(int resetCode, boolean answered) {
	}

}
