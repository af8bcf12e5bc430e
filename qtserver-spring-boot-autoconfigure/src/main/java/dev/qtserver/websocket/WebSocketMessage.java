package dev.qtserver.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * One complete WebSocket message (fragments already put together): text or binary.
 */
public final class WebSocketMessage {

	private final @Nullable String text;

	private final byte @Nullable [] data;

	private WebSocketMessage(@Nullable String text, byte @Nullable [] data) {
		this.text = text;
		this.data = data;
	}

	/**
	 * Create a text message.
	 * @param text the text
	 * @return the message
	 */
	public static WebSocketMessage text(String text) {
		return new WebSocketMessage(text, null);
	}

	/**
	 * Create a binary message.
	 * @param data the bytes
	 * @return the message
	 */
	public static WebSocketMessage binary(byte[] data) {
		return new WebSocketMessage(null, data);
	}

	/**
	 * Return whether this is a text message.
	 * @return {@code true} for text, {@code false} for binary
	 */
	public boolean isText() {
		return this.text != null;
	}

	/**
	 * Return the text of a text message.
	 * @return the text
	 * @throws IllegalStateException for a binary message
	 */
	public String text() {
		if (this.text == null) {
			throw new IllegalStateException("A binary message has no text");
		}
		return this.text;
	}

	/**
	 * Return the bytes: those of a binary message, or the UTF-8 bytes of a text message.
	 * @return the bytes
	 */
	public byte[] data() {
		return (this.data != null) ? this.data.clone() : text().getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof WebSocketMessage message && java.util.Objects.equals(this.text, message.text)
				&& Arrays.equals(this.data, message.data);
	}

	@Override
	public int hashCode() {
		return 31 * java.util.Objects.hashCode(this.text) + Arrays.hashCode(this.data);
	}

	@Override
	public String toString() {
		return (this.data != null) ? "binary[" + this.data.length + " bytes]" : "text[" + this.text + "]";
	}

}
