package dev.qtserver.http;

/**
 * A {@link WebSocketUpgradeVerifier}'s answer, as Qt's
 * {@code QHttpServerWebSocketUpgradeResponse}: accept the upgrade, deny it with a status
 * (403 by default), or pass the request to the next verifier.
 *
 * @param type what to do
 * @param status the status a denied client gets
 */
public record WebSocketUpgradeResponse(Type type, int status) {

	private static final WebSocketUpgradeResponse ACCEPT = new WebSocketUpgradeResponse(Type.ACCEPT, 101);

	private static final WebSocketUpgradeResponse PASS = new WebSocketUpgradeResponse(Type.PASS_TO_NEXT, 0);

	/**
	 * Check the answer.
	 * @throws IllegalArgumentException when a denial's status is not a client or server
	 * error
	 */
	public WebSocketUpgradeResponse {
		if (type == Type.DENY && (status < 400 || status > 599)) {
			throw new IllegalArgumentException("A denied upgrade needs a 4xx or 5xx status, not " + status);
		}
	}

	/**
	 * Accept the upgrade: the WebSocket handshake goes ahead.
	 * @return the answer
	 */
	public static WebSocketUpgradeResponse accept() {
		return ACCEPT;
	}

	/**
	 * Deny the upgrade with 403 Forbidden.
	 * @return the answer
	 */
	public static WebSocketUpgradeResponse deny() {
		return deny(403);
	}

	/**
	 * Deny the upgrade with a status of your choosing.
	 * @param status a 4xx or 5xx status
	 * @return the answer
	 */
	public static WebSocketUpgradeResponse deny(int status) {
		return new WebSocketUpgradeResponse(Type.DENY, status);
	}

	/**
	 * Leave the decision to the next verifier.
	 * @return the answer
	 */
	public static WebSocketUpgradeResponse passToNext() {
		return PASS;
	}

	/** What a verifier decided. */
	public enum Type {

		/** The upgrade goes ahead. */
		ACCEPT,

		/** The client gets the status and the connection is closed. */
		DENY,

		/** The next verifier decides. */
		PASS_TO_NEXT

	}

}
