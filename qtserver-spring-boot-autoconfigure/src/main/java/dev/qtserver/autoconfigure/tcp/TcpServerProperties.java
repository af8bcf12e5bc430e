package dev.qtserver.autoconfigure.tcp;

import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.qtserver.tcp.TcpFraming;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationPropertiesSource;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one TCP server, declared under {@code qtserver.tcp.<name>}.
 * <p>
 * Marked as a metadata source because the configuration processor stops at the map that
 * holds these settings: it then also writes this type's metadata (descriptions from the
 * field Javadoc, defaults) to {@code META-INF/spring/configuration-metadata}, against
 * which the hand-written per-server entries are checked.
 */
@ConfigurationPropertiesSource
public class TcpServerProperties {

	/**
	 * Address to listen on. Any address when not set.
	 */
	private @Nullable InetAddress address;

	/**
	 * Port to listen on. 0 lets the operating system choose a free port.
	 */
	private int port;

	/**
	 * Whether the server listens as soon as the application has started.
	 */
	private boolean autoStartup = true;

	/**
	 * Size of the operating system's queue of connections not yet accepted (SO_BACKLOG).
	 */
	private int listenBacklogSize = 50;

	/**
	 * Maximum number of accepted connections waiting to be taken with
	 * nextPendingConnection(). Once reached, the server stops accepting until one is
	 * taken.
	 */
	private int maxPendingConnections = 30;

	/**
	 * Maximum number of open connections, pending ones included. Once reached, the server
	 * stops accepting until one closes. -1 for no limit.
	 */
	private int maxConnections = -1;

	/**
	 * How long a connection bound to a handler may go without sending anything before it
	 * is closed. Never closed for silence when not set.
	 */
	private @Nullable Duration idleTimeout;

	/**
	 * How the byte stream is cut into messages, and replies framed.
	 */
	private TcpFraming framing = TcpFraming.LINE;

	/**
	 * Message delimiter, with 'delimiter' framing.
	 */
	private String delimiter = "\n";

	/**
	 * Size in bytes of the big-endian length prefix, with 'length-field' framing: 1, 2,
	 * 3, 4 or 8.
	 */
	private int lengthFieldLength = 4;

	/**
	 * Maximum size of one frame. A longer frame closes its connection.
	 */
	private DataSize maxFrameLength = DataSize.ofKilobytes(64);

	/**
	 * Charset of String payloads.
	 */
	private Charset charset = StandardCharsets.UTF_8;

	public @Nullable InetAddress getAddress() {
		return this.address;
	}

	public void setAddress(@Nullable InetAddress address) {
		this.address = address;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public int getListenBacklogSize() {
		return this.listenBacklogSize;
	}

	public void setListenBacklogSize(int listenBacklogSize) {
		this.listenBacklogSize = listenBacklogSize;
	}

	public int getMaxPendingConnections() {
		return this.maxPendingConnections;
	}

	public void setMaxPendingConnections(int maxPendingConnections) {
		this.maxPendingConnections = maxPendingConnections;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(@Nullable Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public TcpFraming getFraming() {
		return this.framing;
	}

	public void setFraming(TcpFraming framing) {
		this.framing = framing;
	}

	public String getDelimiter() {
		return this.delimiter;
	}

	public void setDelimiter(String delimiter) {
		this.delimiter = delimiter;
	}

	public int getLengthFieldLength() {
		return this.lengthFieldLength;
	}

	public void setLengthFieldLength(int lengthFieldLength) {
		this.lengthFieldLength = lengthFieldLength;
	}

	public DataSize getMaxFrameLength() {
		return this.maxFrameLength;
	}

	public void setMaxFrameLength(DataSize maxFrameLength) {
		this.maxFrameLength = maxFrameLength;
	}

	public Charset getCharset() {
		return this.charset;
	}

	public void setCharset(Charset charset) {
		this.charset = charset;
	}

}
