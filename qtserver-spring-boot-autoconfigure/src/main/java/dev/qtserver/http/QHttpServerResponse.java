package dev.qtserver.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A complete response: status, headers and body, after Qt's {@code QHttpServerResponse}.
 * A {@link Route @Route} method may return one; {@link AfterRequestHandler}s see (and may
 * change) every response before it is written.
 */
public final class QHttpServerResponse {

	private static final byte[] NO_BODY = new byte[0];

	private int status;

	/** Created when first asked for: most responses carry a content type only. */
	private @Nullable HttpHeaders headers;

	private @Nullable String contentType;

	/** The body, once it is bytes: {@code null} while it is still {@link #text}. */
	private byte @Nullable [] body;

	/**
	 * A text body, kept as text until asked for as bytes: written, it is encoded once,
	 * straight into the buffer that goes to the socket, as Reactor Netty's own
	 * {@code sendString} does.
	 */
	private @Nullable String text;

	/**
	 * Create a response with a status and no body.
	 * @param status the status code, such as 204
	 */
	public QHttpServerResponse(int status) {
		this(status, null, NO_BODY, null);
	}

	/**
	 * Create a response.
	 * @param status the status code
	 * @param contentType the {@code Content-Type}, or {@code null} for none
	 * @param body the body
	 */
	public QHttpServerResponse(int status, @Nullable String contentType, byte[] body) {
		this(status, checkedContentType(contentType), body, null);
	}

	/**
	 * A response whose content type is checked already or is one of the starter's own
	 * constants, and whose body is either bytes or text.
	 */
	private QHttpServerResponse(int status, @Nullable String contentType, byte @Nullable [] body,
			@Nullable String text) {
		setStatus(status);
		this.body = body;
		this.text = text;
		this.contentType = contentType;
	}

	private static @Nullable String checkedContentType(@Nullable String contentType) {
		if (contentType != null && HttpHeaderValidationUtil.validateValidHeaderValue(contentType) != -1) {
			// checked here, as a header map would: a response is written later, where
			// a failure can no longer become a 500
			throw new IllegalArgumentException("Content-Type contains a prohibited character: " + contentType);
		}
		return contentType;
	}

	/**
	 * Return a 200 response with a {@code text/plain} body in UTF-8.
	 * @param text the body
	 * @return the response
	 */
	public static QHttpServerResponse text(String text) {
		Objects.requireNonNull(text, "text");
		return new QHttpServerResponse(200, ResponseHeaderPresets.TEXT, null, text);
	}

	/**
	 * Return a 200 response with an {@code application/octet-stream} body.
	 * @param bytes the body
	 * @return the response
	 */
	public static QHttpServerResponse bytes(byte[] bytes) {
		return new QHttpServerResponse(200, ResponseHeaderPresets.BYTES, bytes, null);
	}

	/**
	 * Return a 200 response with an {@code application/json} body.
	 * @param json the body, encoded
	 * @return the response
	 */
	static QHttpServerResponse json(byte[] json) {
		return new QHttpServerResponse(200, ResponseHeaderPresets.JSON, json, null);
	}

	/**
	 * Return a response with a status and no body.
	 * @param status the status code
	 * @return the response
	 */
	public static QHttpServerResponse status(int status) {
		return new QHttpServerResponse(status);
	}

	/**
	 * Return the status code.
	 * @return the status, such as 200
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Change the status code.
	 * @param status the status, from 100 to 999
	 * @return this response
	 */
	public QHttpServerResponse setStatus(int status) {
		if (status < 100 || status > 999) {
			throw new IllegalArgumentException("HTTP status must have three digits: " + status);
		}
		this.status = status;
		return this;
	}

	/**
	 * Return the headers, which may be changed.
	 * @return the headers
	 */
	public HttpHeaders headers() {
		HttpHeaders headers = this.headers;
		if (headers == null) {
			headers = new DefaultHttpHeaders();
			if (this.contentType != null) {
				headers.set(HttpHeaderNames.CONTENT_TYPE, this.contentType);
				this.contentType = null;
			}
			this.headers = headers;
		}
		return headers;
	}

	/**
	 * Set a header, replacing its values.
	 * @param name the header name
	 * @param value the value
	 * @return this response
	 */
	public QHttpServerResponse header(String name, Object value) {
		headers().set(name, value);
		return this;
	}

	/**
	 * Return the body.
	 * @return the body, empty when there is none
	 */
	public byte[] body() {
		byte[] bytes = this.body;
		if (bytes == null) {
			// from now on the bytes are the body: a caller may change them in place
			String pending = this.text;
			bytes = (pending != null) ? pending.getBytes(StandardCharsets.UTF_8) : NO_BODY;
			this.body = bytes;
			this.text = null;
		}
		return bytes;
	}

	/**
	 * Replace the body.
	 * @param body the new body
	 * @return this response
	 */
	public QHttpServerResponse setBody(byte[] body) {
		this.body = body;
		this.text = null;
		return this;
	}

	/**
	 * Return the length of the body in bytes, without making bytes of a text body.
	 * @return the length
	 */
	int bodyLength() {
		byte[] bytes = this.body;
		if (bytes != null) {
			return bytes.length;
		}
		String pending = this.text;
		return (pending != null) ? ByteBufUtil.utf8Bytes(pending) : 0;
	}

	/**
	 * Encode the body into a new buffer for the socket: a pooled one, as Reactor Netty's
	 * {@code sendString} encodes into; the socket takes it as it is, where a wrapped
	 * array would be copied on its way out.
	 * @param allocator the connection's allocator
	 * @return the body, to be released by whoever writes it
	 */
	ByteBuf encodeBody(ByteBufAllocator allocator) {
		String pending = this.text;
		if (pending != null) {
			int length = ByteBufUtil.utf8Bytes(pending);
			if (length == 0) {
				return Unpooled.EMPTY_BUFFER;
			}
			ByteBuf buffer = allocator.ioBuffer(length);
			try {
				// reserving the exact length: writeUtf8 would reserve three bytes a
				// char and grow the buffer
				ByteBufUtil.reserveAndWriteUtf8(buffer, pending, length);
				return buffer;
			}
			catch (RuntimeException ex) {
				buffer.release();
				throw ex;
			}
		}
		byte[] bytes = body();
		return (bytes.length > 0) ? allocator.ioBuffer(bytes.length).writeBytes(bytes) : Unpooled.EMPTY_BUFFER;
	}

	/**
	 * Put the status and headers on Reactor Netty's response.
	 * @param response the response to the request
	 * @param presets the headers every response to the request carries, and the starter's
	 * content types, made once
	 */
	void applyTo(HttpServerResponse response, ResponseHeaderPresets presets) {
		response.status(nettyStatus());
		HttpHeaders target = response.responseHeaders();
		HttpHeaders headers = this.headers;
		if (headers == null) {
			presets.addTo(target, this.contentType);
			return;
		}
		presets.addTo(target);
		if (!headers.isEmpty()) {
			target.add(headers);
		}
	}

	/**
	 * Return whether the response has a header, without creating the headers.
	 * @param name the header name
	 * @return whether it is set
	 */
	boolean hasHeader(CharSequence name) {
		HttpHeaders headers = this.headers;
		if (headers != null) {
			return headers.contains(name);
		}
		return this.contentType != null && HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(name);
	}

	HttpResponseStatus nettyStatus() {
		// the constant is folded into the code; valueOf's table is another memory read
		// per answer, cold by the time the next request comes (2 % of the starter's own
		// time on a keep-alive GET)
		return (this.status == 200) ? HttpResponseStatus.OK : HttpResponseStatus.valueOf(this.status);
	}

	@Override
	public String toString() {
		return "QHttpServerResponse[" + this.status + ", " + bodyLength() + " bytes]";
	}

}
