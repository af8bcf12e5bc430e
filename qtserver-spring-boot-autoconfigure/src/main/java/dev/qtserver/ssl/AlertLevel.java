package dev.qtserver.ssl;

/**
 * The level of a TLS alert, as Qt's {@code QSsl::AlertLevel}.
 */
public enum AlertLevel {

	/** A warning: the connection may go on. */
	WARNING,

	/** A fatal alert: the connection ends. */
	FATAL,

	/** A level the TLS engine did not report. */
	UNKNOWN

}
