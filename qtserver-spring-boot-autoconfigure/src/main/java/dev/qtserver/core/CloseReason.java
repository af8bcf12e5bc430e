package dev.qtserver.core;

/**
 * Why a connection closed.
 */
public enum CloseReason {

	/** The peer closed the connection, or it was lost. */
	PEER_CLOSED,

	/** The application or a handler closed the connection. */
	CLOSED_BY_APPLICATION,

	/** The connection was silent for longer than the idle timeout. */
	IDLE_TIMEOUT,

	/** The peer broke the protocol, for example with a frame longer than allowed. */
	PROTOCOL_ERROR,

	/** A handler failed and had no error handler to recover. */
	HANDLER_ERROR,

	/** The peer did not answer a heartbeat in time. */
	PEER_UNRESPONSIVE,

	/** The server closed before the application took the pending connection. */
	SERVER_CLOSED,

	/** The server shut down with the application. */
	SERVER_SHUTDOWN

}
