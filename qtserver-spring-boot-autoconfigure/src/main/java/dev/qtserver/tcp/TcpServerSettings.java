package dev.qtserver.tcp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;

import dev.qtserver.core.ListenSettings;

import static dev.qtserver.core.InvalidSettingException.check;

/**
 * The immutable settings a {@link QTcpServer} starts from: the listening settings every
 * server shares, and how the byte stream is framed.
 *
 * @param listen where the server listens and its limits
 * @param framing how the byte stream is cut into messages
 * @param delimiter the message delimiter, for {@link TcpFraming#DELIMITER}
 * @param lengthFieldLength the length field's size in bytes, for
 * {@link TcpFraming#LENGTH_FIELD}
 * @param maxFrameLength the longest frame accepted, in bytes
 * @param charset the charset of {@code String} payloads
 */
public record TcpServerSettings(ListenSettings listen, TcpFraming framing, String delimiter, int lengthFieldLength,
		int maxFrameLength, Charset charset) {

	private static final Set<Integer> LENGTH_FIELD_SIZES = Set.of(1, 2, 3, 4, 8);

	/**
	 * Validate the settings.
	 * @throws dev.qtserver.core.InvalidSettingException when a value is out of range
	 */
	public TcpServerSettings {
		Objects.requireNonNull(listen, "listen");
		Objects.requireNonNull(framing, "framing");
		Objects.requireNonNull(charset, "charset");
		check(framing != TcpFraming.DELIMITER || !delimiter.isEmpty(), "delimiter", delimiter,
				"must not be empty with delimiter framing");
		check(LENGTH_FIELD_SIZES.contains(lengthFieldLength), "lengthFieldLength", lengthFieldLength,
				"must be 1, 2, 3, 4 or 8");
		check(maxFrameLength > 0, "maxFrameLength", maxFrameLength, "must be positive");
	}

	/**
	 * Return a builder that starts from the defaults: any address, port 0, line framing.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link TcpServerSettings}; every method returns the builder.
	 */
	public static final class Builder extends ListenSettings.AbstractBuilder<Builder> {

		private TcpFraming framing = TcpFraming.LINE;

		private String delimiter = "\n";

		private int lengthFieldLength = 4;

		private int maxFrameLength = 64 * 1024;

		private Charset charset = StandardCharsets.UTF_8;

		private Builder() {
		}

		/**
		 * Set how messages are framed.
		 * @param framing the framing
		 * @return this builder
		 */
		public Builder framing(TcpFraming framing) {
			this.framing = framing;
			return this;
		}

		/**
		 * Set the delimiter for delimiter framing.
		 * @param delimiter the delimiter
		 * @return this builder
		 */
		public Builder delimiter(String delimiter) {
			this.delimiter = delimiter;
			return this;
		}

		/**
		 * Set the length field size for length-field framing.
		 * @param lengthFieldLength 1, 2, 3, 4 or 8 bytes
		 * @return this builder
		 */
		public Builder lengthFieldLength(int lengthFieldLength) {
			this.lengthFieldLength = lengthFieldLength;
			return this;
		}

		/**
		 * Set the longest frame accepted.
		 * @param maxFrameLength the length in bytes
		 * @return this builder
		 */
		public Builder maxFrameLength(int maxFrameLength) {
			this.maxFrameLength = maxFrameLength;
			return this;
		}

		/**
		 * Set the charset of text payloads.
		 * @param charset the charset
		 * @return this builder
		 */
		public Builder charset(Charset charset) {
			this.charset = charset;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws dev.qtserver.core.InvalidSettingException when a value is out of range
		 */
		public TcpServerSettings build() {
			return new TcpServerSettings(listenSettings(), this.framing, this.delimiter, this.lengthFieldLength,
					this.maxFrameLength, this.charset);
		}

	}

}
