package dev.qtserver.core;

/**
 * Where a server stands, as health checks and operators see it.
 */
public enum ServerState {

	/** Never asked to listen (for example {@code auto-startup: false}). */
	NOT_STARTED,

	/** Listening and accepting on at least one listener. */
	LISTENING,

	/** Listening, but every listening socket has accepting paused. */
	PAUSED,

	/** No longer listening after {@code close()}. */
	CLOSED,

	/** Its last attempt to listen failed; {@code serverError()} says why. */
	FAILED

}
