package dev.qtserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 by hand, on a socket that speaks it (by prior knowledge, or after ALPN), for
 * what no real client sends: the connection's start, frames written in hex, frames read
 * back; and an exchange of a malformed request on stream 1 (a head missing a
 * pseudo-header, a body that breaks its {@code content-length}) with a good {@code GET}
 * on stream 3, to see what the server makes of both. HPACK blocks are written by hand,
 * with the static table and literals.
 */
public final class RawHttp2 {

	/** HPACK: {@code :authority} (static name index 1) {@code localhost}, literal. */
	public static final String AUTHORITY_LOCALHOST = "41096c6f63616c686f7374";

	/** The HEADERS frame's type. */
	public static final int HEADERS = 1;

	private static final int RST_STREAM = 3;

	/** The GOAWAY frame's type. */
	public static final int GOAWAY = 7;

	private RawHttp2() {
	}

	/**
	 * Start a connection: the client preface and a SETTINGS frame.
	 * @param out the socket's output
	 * @param settings the SETTINGS frame's payload in hex (6 bytes per setting), empty
	 * for none
	 * @throws IOException when the socket fails
	 */
	public static void start(OutputStream out, String settings) throws IOException {
		out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		out.write(HexFormat.of().parseHex(String.format("%06x040000000000", settings.length() / 2) + settings));
	}

	/**
	 * Read the next frame.
	 * @param in the socket's input
	 * @return the frame, {@code null} at the end of the stream
	 * @throws IOException when the socket fails, or times out
	 */
	public static @Nullable Frame read(InputStream in) throws IOException {
		byte[] head = in.readNBytes(9);
		if (head.length < 9) {
			return null;
		}
		byte[] payload = in.readNBytes(((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff));
		return new Frame(head[3], head[4] & 0xff,
				((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff),
				payload);
	}

	/**
	 * Read frames until the server closes the connection.
	 * @param in the socket's input
	 * @return the types of the frames it sent
	 * @throws IOException when the socket fails, or times out
	 */
	public static List<Integer> frameTypesUntilClosed(InputStream in) throws IOException {
		List<Integer> types = new ArrayList<>();
		for (Frame frame = read(in); frame != null; frame = read(in)) {
			types.add(frame.type());
		}
		return types;
	}

	/**
	 * Read frames until a HEADERS frame on the stream.
	 * @param in the socket's input
	 * @param stream the stream
	 * @throws IOException when the socket fails, or times out
	 */
	public static void awaitHeaders(InputStream in, int stream) throws IOException {
		Frame frame;
		do {
			frame = read(in);
			assertThat(frame).as("a frame before the end").isNotNull();
		}
		while (frame.type() != HEADERS || frame.stream() != stream);
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
		start(out, "");
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
			Frame frame = read(in);
			assertThat(frame).as("a frame before the end").isNotNull();
			if (frame.type() == RST_STREAM && frame.stream() == 1) {
				resetCode = frame.payload()[3];
			}
			if (frame.type() == HEADERS && frame.stream() == 1) {
				answered = true;
			}
			if (frame.type() == HEADERS && frame.stream() == 3) {
				// :status 200, static index 8
				assertThat(frame.payload()[0] & 0xff).as("stream 3's :status").isEqualTo(0x88);
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

	/**
	 * A frame the server sent.
	 *
	 * @param type its type
	 * @param flags its flags
	 * @param stream its stream
	 * @param payload what it carries
	 */
	public record Frame(int type, int flags, int stream, byte[] payload) {
	}

}
