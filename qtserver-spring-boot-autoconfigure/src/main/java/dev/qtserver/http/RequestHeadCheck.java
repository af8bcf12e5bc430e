package dev.qtserver.http;

import java.util.Iterator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * What HTTP/1.x asks a server to refuse and Netty's codec lets through:
 * <ul>
 * <li>a request of a major version other than 1 ({@code GET / HTTP/9.9}): 505, RFC 9110
 * §15.6.6;</li>
 * <li>an HTTP/1.1 request without exactly one {@code Host} field, which leaves the
 * target's authority unknown or ambiguous: 400, RFC 9112 §3.2;</li>
 * <li>a request target in no form HTTP/1.1 knows ({@code GET plaintext}): 400, RFC 9112
 * §3.2;</li>
 * <li>a {@code Transfer-Encoding} whose last coding is not {@code chunked}
 * ({@code identity}, {@code xchunked}, or {@code chunked} and {@code gzip} on two lines):
 * the body's length cannot be known, and Netty reads the body as the next request (the
 * shape of request smuggling): 400, RFC 9112 §6.3; one that ends with {@code chunked} but
 * asks for another coding the server does not decode ({@code gzip, chunked}): 501, RFC
 * 9112 §6.1.</li>
 * </ul>
 * Each refusal closes the connection. HTTP/2 streams carry {@code :authority} and no
 * {@code Transfer-Encoding}, and are not checked.
 */
final class RequestHeadCheck {

	private static final String CHUNKED = "chunked";

	private RequestHeadCheck() {
	}

	/**
	 * Return how to refuse a request head, if it must be.
	 * @param method the request's method
	 * @param target its request target, as sent
	 * @param version its version
	 * @param headers its headers
	 * @return the status to refuse it with, {@code null} to take it
	 */
	static @Nullable HttpResponseStatus refusal(HttpMethod method, String target, HttpVersion version,
			HttpHeaders headers) {
		if (version.majorVersion() != 1) {
			return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
		}
		if (version.minorVersion() >= 1 && !hasOneHost(headers)) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		if (!isKnownTargetForm(method, target)) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
			return transferCodingRefusal(headers);
		}
		return null;
	}

	/**
	 * Return the request target in origin form: the path and query of an absolute-form
	 * target ({@code http://host/path?query}, which a server must accept, RFC 9112
	 * §3.2.2), any other target as it is.
	 * @param target the request target, as sent
	 * @return the target to route
	 */
	static String originForm(String target) {
		if (target.isEmpty() || target.charAt(0) == '/' || !isAbsoluteForm(target)) {
			return target;
		}
		int authority = target.indexOf("://") + 3;
		for (int i = authority; i < target.length(); i++) {
			char c = target.charAt(i);
			if (c == '/') {
				return target.substring(i);
			}
			if (c == '?') {
				return "/" + target.substring(i);
			}
		}
		return "/";
	}

	private static boolean hasOneHost(HttpHeaders headers) {
		Iterator<? extends CharSequence> hosts = headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
		if (!hosts.hasNext()) {
			return false;
		}
		hosts.next();
		return !hosts.hasNext();
	}

	/**
	 * Origin form ({@code /path}), absolute form ({@code http://host/path}), authority
	 * form for {@code CONNECT} ({@code host:port}) or asterisk form for {@code OPTIONS}.
	 */
	private static boolean isKnownTargetForm(HttpMethod method, String target) {
		if (!target.isEmpty() && target.charAt(0) == '/') {
			return true;
		}
		if (HttpMethod.CONNECT.equals(method)) {
			return !target.isEmpty();
		}
		if (HttpMethod.OPTIONS.equals(method) && target.equals("*")) {
			return true;
		}
		return isAbsoluteForm(target);
	}

	private static boolean isAbsoluteForm(String target) {
		return target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8);
	}

	/**
	 * The codings of every {@code Transfer-Encoding} field, in order, as one list (RFC
	 * 9110 §5.3): {@code chunked} must come last and only there, and no other is decoded.
	 */
	private static @Nullable HttpResponseStatus transferCodingRefusal(HttpHeaders headers) {
		String last = null;
		boolean chunkedBefore = false;
		boolean others = false;
		for (String field : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
			for (String coding : field.split(",", -1)) {
				if (last != null) {
					boolean chunked = last.equalsIgnoreCase(CHUNKED);
					chunkedBefore |= chunked;
					others |= !chunked;
				}
				last = coding.trim();
			}
		}
		if (last == null || !last.equalsIgnoreCase(CHUNKED) || chunkedBefore) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		return others ? HttpResponseStatus.NOT_IMPLEMENTED : null;
	}

}
