package dev.qtserver.websocket;

import org.jspecify.annotations.Nullable;

/**
 * The close codes of RFC 6455, after Qt's {@code QWebSocketProtocol::CloseCode}. A
 * server's {@code error()} and a session's close are reported with one of them.
 */
public enum CloseCode {

	/** 1000, {@code CloseCodeNormal}: the purpose of the connection was fulfilled. */
	NORMAL(1000),
	/**
	 * 1001, {@code CloseCodeGoingAway}: the server is going down, or the client navigated
	 * away.
	 */
	GOING_AWAY(1001),
	/** 1002, {@code CloseCodeProtocolError}: the peer broke the protocol. */
	PROTOCOL_ERROR(1002),
	/**
	 * 1003, {@code CloseCodeDatatypeNotSupported}: a message of a type the endpoint
	 * cannot take.
	 */
	DATATYPE_NOT_SUPPORTED(1003),
	/** 1004, {@code CloseCodeReserved1004}: reserved. */
	RESERVED_1004(1004),
	/**
	 * 1005, {@code CloseCodeMissingStatusCode}: a close frame without a code; never sent.
	 */
	MISSING_STATUS_CODE(1005),
	/**
	 * 1006, {@code CloseCodeAbnormalDisconnection}: closed without a close frame; never
	 * sent.
	 */
	ABNORMAL_DISCONNECTION(1006),
	/**
	 * 1007, {@code CloseCodeWrongDatatype}: data that does not match the message type,
	 * such as bad UTF-8.
	 */
	WRONG_DATATYPE(1007),
	/**
	 * 1008, {@code CloseCodePolicyViolated}: a message that violates the endpoint's
	 * policy.
	 */
	POLICY_VIOLATED(1008),
	/** 1009, {@code CloseCodeTooMuchData}: a frame or message too big to process. */
	TOO_MUCH_DATA(1009),
	/**
	 * 1010, {@code CloseCodeMissingExtension}: the server did not negotiate a required
	 * extension.
	 */
	MISSING_EXTENSION(1010),
	/** 1011, {@code CloseCodeBadOperation}: the server hit an unexpected condition. */
	BAD_OPERATION(1011),
	/**
	 * 1015, {@code CloseCodeTlsHandshakeFailed}: the TLS handshake failed; never sent.
	 */
	TLS_HANDSHAKE_FAILED(1015);

	private final int code;

	CloseCode(int code) {
		this.code = code;
	}

	/**
	 * Return the numeric close code.
	 * @return the code, such as 1000
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Find the constant for a numeric code.
	 * @param code the numeric code
	 * @return the constant, or {@code null} for codes RFC 6455 does not define (such as
	 * the application range 4000-4999)
	 */
	public static @Nullable CloseCode of(int code) {
		for (CloseCode candidate : values()) {
			if (candidate.code == code) {
				return candidate;
			}
		}
		return null;
	}

}
