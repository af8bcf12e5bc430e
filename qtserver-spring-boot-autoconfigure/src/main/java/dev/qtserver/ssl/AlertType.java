package dev.qtserver.ssl;

import java.util.Locale;

/**
 * The description of a TLS alert (RFC 8446 section 6), as Qt's {@code QSsl::AlertType}.
 * The JDK's TLS engine names alerts in lower case with underscores
 * ({@code certificate_unknown}); {@link #fromName(String)} reads those names.
 */
public enum AlertType {

	/** close_notify (0). */
	CLOSE_NOTIFY(0),

	/** unexpected_message (10). */
	UNEXPECTED_MESSAGE(10),

	/** bad_record_mac (20). */
	BAD_RECORD_MAC(20),

	/** record_overflow (22). */
	RECORD_OVERFLOW(22),

	/** decompression_failure (30). */
	DECOMPRESSION_FAILURE(30),

	/** handshake_failure (40). */
	HANDSHAKE_FAILURE(40),

	/** no_certificate (41). */
	NO_CERTIFICATE(41),

	/** bad_certificate (42). */
	BAD_CERTIFICATE(42),

	/** unsupported_certificate (43). */
	UNSUPPORTED_CERTIFICATE(43),

	/** certificate_revoked (44). */
	CERTIFICATE_REVOKED(44),

	/** certificate_expired (45). */
	CERTIFICATE_EXPIRED(45),

	/** certificate_unknown (46). */
	CERTIFICATE_UNKNOWN(46),

	/** illegal_parameter (47). */
	ILLEGAL_PARAMETER(47),

	/** unknown_ca (48). */
	UNKNOWN_CA(48),

	/** access_denied (49). */
	ACCESS_DENIED(49),

	/** decode_error (50). */
	DECODE_ERROR(50),

	/** decrypt_error (51). */
	DECRYPT_ERROR(51),

	/** export_restriction (60). */
	EXPORT_RESTRICTION(60),

	/** protocol_version (70). */
	PROTOCOL_VERSION(70),

	/** insufficient_security (71). */
	INSUFFICIENT_SECURITY(71),

	/** internal_error (80). */
	INTERNAL_ERROR(80),

	/** inappropriate_fallback (86). */
	INAPPROPRIATE_FALLBACK(86),

	/** user_canceled (90). */
	USER_CANCELED(90),

	/** no_renegotiation (100). */
	NO_RENEGOTIATION(100),

	/** missing_extension (109). */
	MISSING_EXTENSION(109),

	/** unsupported_extension (110). */
	UNSUPPORTED_EXTENSION(110),

	/** certificate_unobtainable (111). */
	CERTIFICATE_UNOBTAINABLE(111),

	/** unrecognized_name (112). */
	UNRECOGNIZED_NAME(112),

	/** bad_certificate_status_response (113). */
	BAD_CERTIFICATE_STATUS_RESPONSE(113),

	/** bad_certificate_hash_value (114). */
	BAD_CERTIFICATE_HASH_VALUE(114),

	/** unknown_psk_identity (115). */
	UNKNOWN_PSK_IDENTITY(115),

	/** certificate_required (116). */
	CERTIFICATE_REQUIRED(116),

	/** no_application_protocol (120). */
	NO_APPLICATION_PROTOCOL(120),

	/** An alert this enum does not name (Qt's {@code UnknownAlertMessage}). */
	UNKNOWN_ALERT_MESSAGE(255);

	private final int code;

	AlertType(int code) {
		this.code = code;
	}

	/**
	 * Return the alert's code on the wire.
	 * @return the code, 255 for an unknown alert
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the alert's name as TLS and the JDK spell it.
	 * @return such as {@code certificate_unknown}
	 */
	public String tlsName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Read an alert name as the JDK reports it.
	 * @param name such as {@code unknown_ca}
	 * @return the alert type, {@link #UNKNOWN_ALERT_MESSAGE} when the name is not known
	 */
	public static AlertType fromName(String name) {
		String constant = name.trim().toUpperCase(Locale.ROOT);
		for (AlertType type : values()) {
			if (type.name().equals(constant)) {
				return type;
			}
		}
		return UNKNOWN_ALERT_MESSAGE;
	}

}
