package dev.qtserver.ssl;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Follows the TLS records of one direction of a connection during its handshake and keeps
 * the first alert sent in the clear: every alert of a TLS 1.2 handshake, and those of TLS
 * 1.3 sent before the sender had handshake keys (a server refusing a client hello, a
 * client refusing the server's certificate before it has its own keys). The JDK's engine
 * names none of the alerts it sends and cannot read a clear alert once it expects
 * encrypted records, so the wire is the surest witness. Encrypted alerts look like
 * application data here and are left to the engine's report.
 */
final class TlsAlertScanner {

	private static final int HEADER_LENGTH = 5;

	private static final int ALERT = 0x15;

	private static final int HANDSHAKE = 0x16;

	private final byte[] header = new byte[HEADER_LENGTH];

	private int headerRead;

	private int bodyRemaining;

	private boolean inAlert;

	private int alertRead;

	private int level;

	private @Nullable Alert found;

	private long handshakeRecords;

	/**
	 * Read more of the stream; the buffer is not consumed.
	 * @param bytes the next bytes of the stream
	 */
	void scan(ByteBuf bytes) {
		int index = bytes.readerIndex();
		int end = bytes.writerIndex();
		while (index < end) {
			if (this.bodyRemaining == 0) {
				this.header[this.headerRead++] = bytes.getByte(index++);
				if (this.headerRead == HEADER_LENGTH) {
					this.headerRead = 0;
					this.bodyRemaining = ((this.header[3] & 0xff) << 8) | (this.header[4] & 0xff);
					int type = this.header[0] & 0xff;
					this.inAlert = type == ALERT && this.bodyRemaining == 2;
					if (type == HANDSHAKE) {
						this.handshakeRecords++;
					}
					this.alertRead = 0;
				}
				continue;
			}
			int length = Math.min(this.bodyRemaining, end - index);
			if (this.inAlert) {
				for (int i = 0; i < length; i++) {
					int value = bytes.getByte(index + i) & 0xff;
					if (this.alertRead++ == 0) {
						this.level = value;
					}
					else if (this.found == null) {
						// the first alert is the one that ended the handshake; the
						// records after it are still followed (renegotiation)
						this.found = new Alert(levelOf(this.level), typeOf(value));
					}
				}
			}
			index += length;
			this.bodyRemaining -= length;
		}
	}

	/**
	 * Return how many handshake records went by: after a TLS 1.2 handshake, one more is
	 * the client asking to renegotiate.
	 * @return the count so far
	 */
	long handshakeRecords() {
		return this.handshakeRecords;
	}

	/**
	 * Return the first clear alert seen.
	 * @return the alert, or {@code null} when none was seen
	 */
	@Nullable Alert found() {
		return this.found;
	}

	private static AlertLevel levelOf(int level) {
		return switch (level) {
			case 1 -> AlertLevel.WARNING;
			case 2 -> AlertLevel.FATAL;
			default -> AlertLevel.UNKNOWN;
		};
	}

	private static AlertType typeOf(int code) {
		for (AlertType type : AlertType.values()) {
			if (type.code() == code) {
				return type;
			}
		}
		return AlertType.UNKNOWN_ALERT_MESSAGE;
	}

	/**
	 * An alert seen on the wire.
	 *
	 * @param level its level
	 * @param type its type
	 */
	record Alert(AlertLevel level, AlertType type) {
	}

}
