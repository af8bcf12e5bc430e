package dev.qtserver.autoconfigure.tcp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import dev.qtserver.autoconfigure.ListenProperties;
import dev.qtserver.tcp.TcpFraming;

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
public class TcpServerProperties extends ListenProperties {

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
