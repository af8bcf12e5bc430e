package dev.qtserver.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the client sent it, after Qt's {@code QHttpServerRequest}: method,
 * URL, headers and the whole body. Immutable, so it may be kept after the response.
 */
public final class QHttpServerRequest {

	private static final byte[] NO_BODY = new byte[0];

	private final String method;

	private final String uri;

	private final String scheme;

	private final String host;

	/**
	 * The port after the host in the URL, or -1 for none (the host has it, or default).
	 */
	private final int hostPort;

	private final HttpHeaders headers;

	private final byte[] body;

	private final InetSocketAddress remoteAddress;

	private final InetSocketAddress localAddress;

	private final String protocol;

	private final @Nullable SSLSession sslSession;

	private @Nullable QueryStringDecoder decoded;

	/**
	 * Set by the dispatcher once a route's path matched; read when the request is done.
	 */
	private volatile @Nullable String route;

	QHttpServerRequest(String method, String uri, String scheme, String host, int hostPort, HttpHeaders headers,
			byte @Nullable [] body, InetSocketAddress remoteAddress, InetSocketAddress localAddress, String protocol,
			@Nullable SSLSession sslSession) {
		this.sslSession = sslSession;
		this.method = method;
		this.uri = uri;
		this.scheme = scheme;
		this.host = host;
		this.hostPort = hostPort;
		this.headers = headers;
		this.body = (body != null) ? body : NO_BODY;
		this.remoteAddress = remoteAddress;
		this.localAddress = localAddress;
		this.protocol = protocol;
	}

	/**
	 * Return the TLS session the request came over, as Qt's
	 * {@code QHttpServerRequest::sslConfiguration()}: the client's certificate chain
	 * ({@code getPeerCertificates()}, when the listener asked for one), protocol and
	 * cipher suite.
	 * @return the session, empty for a request over plain TCP
	 */
	public Optional<SSLSession> sslSession() {
		return Optional.ofNullable(this.sslSession);
	}

	/**
	 * Return the pattern of the {@link Route @Route} whose path matched this request,
	 * such as {@code /users/{id}}: the route that answers it or, when none takes the
	 * request's method, the first whose path matched (the 405's).
	 * @return the pattern, empty while no route's path has matched
	 */
	public Optional<String> route() {
		return Optional.ofNullable(this.route);
	}

	/** A route's path matched but not the method: the first such is the 405's route. */
	void routeMatched(String pattern) {
		if (this.route == null) {
			this.route = pattern;
		}
	}

	/** A route takes the request. */
	void routeAnswering(String pattern) {
		this.route = pattern;
	}

	/**
	 * Return the request method, exactly as sent, such as {@code GET}.
	 * @return the method
	 */
	public String method() {
		return this.method;
	}

	/**
	 * Return the request target as sent: path and query, still percent-encoded.
	 * @return the request URI, such as {@code /a%20b?x=1}
	 */
	public String uri() {
		return this.uri;
	}

	/**
	 * Return the full URL: scheme, host (from the {@code Host} header, or the forwarded
	 * headers when they are trusted), path and query, as Qt's {@code url()}.
	 * @return the URL; a request target that is not a valid URI part gives a URL of the
	 * host alone
	 */
	public URI url() {
		try {
			return URI.create(this.scheme + "://" + authority() + this.uri);
		}
		catch (IllegalArgumentException ex) {
			return URI.create(this.scheme + "://" + authority());
		}
	}

	/**
	 * Return the path, percent-decoded, as Qt's {@code url().path()}.
	 * @return the path, such as {@code /a b}
	 */
	public String path() {
		return decoder().path();
	}

	/**
	 * Return the path as sent, still percent-encoded.
	 * @return the raw path, such as {@code /a%20b}
	 */
	public String rawPath() {
		// what the query decoder's raw path is, without decoding the query: routes are
		// matched against it on every request
		String uri = this.uri;
		for (int i = 0; i < uri.length(); i++) {
			char c = uri.charAt(i);
			if (c == '?' || c == '#') {
				return uri.substring(0, i);
			}
		}
		return uri;
	}

	/**
	 * Return the query as sent, still percent-encoded, without the {@code ?}.
	 * @return the raw query, empty when there is none
	 */
	public String query() {
		return decoder().rawQuery();
	}

	/**
	 * Return the query parameters, decoded, in the order sent.
	 * @return the parameters, each with its values
	 * @throws IllegalArgumentException when the query is not validly escaped (a route
	 * whose {@code @RequestParam} meets one answers 400)
	 */
	public Map<String, List<String>> queryParameters() {
		return decoder().parameters();
	}

	/**
	 * Return the first value of a query parameter.
	 * @param name the parameter name
	 * @return the value, or {@code null} when absent
	 * @throws IllegalArgumentException when the query is not validly escaped
	 */
	public @Nullable String queryParameter(String name) {
		List<String> values = decoder().parameters().get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Return the request headers.
	 * @return the headers, names compared without case
	 */
	public HttpHeaders headers() {
		return this.headers;
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} when absent
	 */
	public @Nullable String header(String name) {
		return this.headers.get(name);
	}

	/**
	 * Return the body.
	 * @return the body; empty when the request has none (it is not copied: do not change
	 * it)
	 */
	public byte[] body() {
		return this.body;
	}

	/**
	 * Return the body as text, decoded with the charset of its {@code Content-Type}
	 * (UTF-8 when none is given).
	 * @return the body text
	 */
	public String bodyAsString() {
		Charset charset = HttpUtil.getCharset(
				this.headers.get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE), StandardCharsets.UTF_8);
		return new String(this.body, charset);
	}

	/**
	 * Return the client's address (from the forwarded headers when they are trusted).
	 * @return the remote address
	 */
	public InetSocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Return the address of the listener that took the request.
	 * @return the local address
	 */
	public InetSocketAddress localAddress() {
		return this.localAddress;
	}

	/**
	 * Return the URL scheme: {@code http}, or {@code https} over TLS (or as forwarded).
	 * @return the scheme
	 */
	public String scheme() {
		return this.scheme;
	}

	/**
	 * Return the protocol version, such as {@code HTTP/1.1} or {@code HTTP/2.0}.
	 * @return the protocol
	 */
	public String protocol() {
		return this.protocol;
	}

	private String authority() {
		return (this.hostPort < 0) ? this.host : this.host + ":" + this.hostPort;
	}

	private QueryStringDecoder decoder() {
		QueryStringDecoder result = this.decoded;
		if (result == null) {
			result = new QueryStringDecoder(this.uri);
			this.decoded = result;
		}
		return result;
	}

	@Override
	public String toString() {
		return this.method + " " + this.uri;
	}

}
