package dev.qtserver.http;

import java.util.Iterator;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * What HTTP/1.x asks a server to refuse and Netty's codec lets through: a request of a
 * major version other than 1 ({@code GET / HTTP/9.9}: 505, RFC 9110 §15.6.6), and an
 * HTTP/1.1 request without exactly one {@code Host} field (400, RFC 9112 §3.2), which
 * leaves the target's authority unknown or ambiguous. HTTP/1.0 requests need no
 * {@code Host}; HTTP/2 streams carry {@code :authority} instead and are not checked.
 */
final class RequestHeadCheck {

	private RequestHeadCheck() {
	}

	/**
	 * Return how to refuse a request head, if it must be.
	 * @param version the request's version
	 * @param headers its headers
	 * @return the status to refuse it with, {@code null} to take it
	 */
	static @Nullable HttpResponseStatus refusal(HttpVersion version, HttpHeaders headers) {
		if (version.majorVersion() != 1) {
			return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
		}
		if (version.minorVersion() >= 1 && !hasOneHost(headers)) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		return null;
	}

	private static boolean hasOneHost(HttpHeaders headers) {
		Iterator<? extends CharSequence> hosts = headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
		if (!hosts.hasNext()) {
			return false;
		}
		hosts.next();
		return !hosts.hasNext();
	}

}
