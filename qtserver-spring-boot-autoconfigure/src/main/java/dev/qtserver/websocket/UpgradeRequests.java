package dev.qtserver.websocket;

import java.util.Base64;
import java.util.Locale;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * Checks that an HTTP request is a valid RFC 6455 opening handshake, version 13, before
 * the server answers it: anything else gets 400 with {@code Sec-WebSocket-Version: 13}.
 */
final class UpgradeRequests {

	static final String SUPPORTED_VERSION = "13";

	private UpgradeRequests() {
	}

	/**
	 * Say what is wrong with a request.
	 * @param request the request
	 * @return the problem, or {@code null} for a valid opening handshake
	 */
	static @Nullable String problem(HttpRequest request) {
		HttpHeaders headers = request.headers();
		if (!HttpMethod.GET.equals(request.method())) {
			return "The opening handshake must be a GET, not " + request.method();
		}
		if (request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
			return "The opening handshake needs HTTP/1.1";
		}
		if (!containsToken(headers.get(HttpHeaderNames.UPGRADE), "websocket")) {
			return "Missing 'Upgrade: websocket' header";
		}
		if (!containsToken(headers.get(HttpHeaderNames.CONNECTION), "upgrade")) {
			return "Missing 'Connection: Upgrade' header";
		}
		String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
		if (version == null) {
			return "Missing 'Sec-WebSocket-Version' header";
		}
		if (!SUPPORTED_VERSION.equals(version.trim())) {
			return "Unsupported WebSocket version " + version + "; this server speaks version 13";
		}
		String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
		if (key == null || !isValidKey(key.trim())) {
			return "Missing or invalid 'Sec-WebSocket-Key' header (16 bytes in base64)";
		}
		return null;
	}

	private static boolean containsToken(@Nullable String header, String token) {
		if (header == null) {
			return false;
		}
		for (String part : header.split(",")) {
			if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isValidKey(String key) {
		try {
			return Base64.getDecoder().decode(key).length == 16;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
