package dev.qtserver.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * The response headers most answers carry, made and validated once per server: the
 * starter's own content types, and the {@code Keep-Alive} header of a keep-alive HTTP/1.1
 * request. A response takes them with one {@link HttpHeaders#add(HttpHeaders)}: Netty
 * copies headers made by the same factory as Reactor Netty's response headers without
 * checking their names again or hashing them, and writes values that are
 * {@link AsciiString}s as bytes. Adding them one by one cost about 2 % of raw Reactor
 * Netty's throughput on a keep-alive {@code GET} (each name and value scanned, each name
 * hashed, each value encoded char by char).
 *
 * <p>
 * One instance per server and kind of request: with the {@code Keep-Alive} header, or
 * without it (HTTP/2, HTTP/1.0, a client that closes). A content type other than the
 * starter's constants is added on its own, by name, and checked as usual.
 */
final class ResponseHeaderPresets {

	/** What a {@code String} reply is sent as. */
	static final String TEXT = "text/plain;charset=UTF-8";

	/** What a {@code byte[]} reply is sent as. */
	static final String BYTES = "application/octet-stream";

	/** What an object reply is sent as. */
	static final String JSON = "application/json";

	private final @Nullable HttpHeaders alone;

	private final HttpHeaders text;

	private final HttpHeaders bytes;

	private final HttpHeaders json;

	/**
	 * Make the presets of one kind of request.
	 * @param keepAlive the {@code Keep-Alive} header's value each response carries, or
	 * {@code null} for none
	 */
	ResponseHeaderPresets(@Nullable AsciiString keepAlive) {
		this.alone = (keepAlive != null) ? headers(keepAlive, null) : null;
		this.text = headers(keepAlive, TEXT);
		this.bytes = headers(keepAlive, BYTES);
		this.json = headers(keepAlive, JSON);
	}

	/**
	 * Headers made by Netty's default factory, with its name check: the one Reactor
	 * Netty's responses are made by (unless its header validation is turned off; then
	 * Netty copies them one by one, checked, which is still right).
	 */
	private static HttpHeaders headers(@Nullable AsciiString keepAlive, @Nullable String contentType) {
		HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
		if (keepAlive != null) {
			headers.add(HttpHeaderNames.KEEP_ALIVE, keepAlive);
		}
		if (contentType != null) {
			headers.add(HttpHeaderNames.CONTENT_TYPE, AsciiString.cached(contentType));
		}
		return headers;
	}

	/**
	 * Put the headers of a response that carries no headers of its own but its content
	 * type.
	 * @param target the response's headers
	 * @param contentType its content type, or {@code null} for none
	 */
	void addTo(HttpHeaders target, @Nullable String contentType) {
		// the constants by identity: an equal string from elsewhere is added by name
		if (contentType == TEXT) {
			target.add(this.text);
			return;
		}
		if (contentType == JSON) {
			target.add(this.json);
			return;
		}
		if (contentType == BYTES) {
			target.add(this.bytes);
			return;
		}
		addTo(target);
		if (contentType != null) {
			target.add(HttpHeaderNames.CONTENT_TYPE, contentType);
		}
	}

	/**
	 * Put the headers every response of this kind carries, such as {@code Keep-Alive}.
	 * @param target the response's headers
	 */
	void addTo(HttpHeaders target) {
		HttpHeaders always = this.alone;
		if (always != null) {
			target.add(always);
		}
	}

}
