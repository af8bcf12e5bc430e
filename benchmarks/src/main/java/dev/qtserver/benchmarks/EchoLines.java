package dev.qtserver.benchmarks;

/**
 * The content of the messages the load generators send (lines for TCP, text frames for
 * WebSocket): {@code c<connection> s<sequence> } then filler letters that shift with the
 * sequence number, padded to a fixed length. Each message is unique per connection, so an
 * echo that is reordered, duplicated, truncated or mixed with another connection's data
 * never matches what is expected.
 */
final class EchoLines {

	/** {@code c} + 5 digits + {@code " s"} + 12 digits + a space. */
	static final int HEADER_LENGTH = 21;

	private static final byte[] FILLER = filler();

	private EchoLines() {
	}

	/**
	 * Write the content (without framing) of message {@code sequence} of connection
	 * {@code connection} into {@code target}, filling it whole.
	 */
	static void fill(byte[] target, int connection, long sequence) {
		target[0] = 'c';
		writeDigits(target, 1, 5, connection);
		target[6] = ' ';
		target[7] = 's';
		writeDigits(target, 8, 12, sequence);
		target[20] = ' ';
		System.arraycopy(FILLER, (int) (sequence % 26), target, HEADER_LENGTH, target.length - HEADER_LENGTH);
	}

	/**
	 * @param lineBytes the bytes on the wire, newline included
	 * @return the content length, checked to fit the header and the filler
	 */
	static int contentLength(int lineBytes) {
		return checkedContentLength(lineBytes - 1);
	}

	/**
	 * @param contentLength the bytes of a message's content, framing excluded
	 * @return {@code contentLength}, checked to fit the header and the filler
	 */
	static int checkedContentLength(int contentLength) {
		int min = HEADER_LENGTH + 1;
		int max = FILLER.length - 26 + HEADER_LENGTH - 1;
		if (contentLength < min || contentLength > max) {
			throw new IllegalArgumentException(
					"Message content must be between " + min + " and " + max + " bytes, framing excluded");
		}
		return contentLength;
	}

	private static void writeDigits(byte[] target, int offset, int width, long value) {
		long remaining = value;
		for (int i = offset + width - 1; i >= offset; i--) {
			target[i] = (byte) ('0' + (remaining % 10));
			remaining /= 10;
		}
	}

	/** The alphabet repeated, so any shift of it can be copied with one arraycopy. */
	private static byte[] filler() {
		byte[] filler = new byte[4096 + 26];
		for (int i = 0; i < filler.length; i++) {
			filler[i] = (byte) ('a' + (i % 26));
		}
		return filler;
	}

}
