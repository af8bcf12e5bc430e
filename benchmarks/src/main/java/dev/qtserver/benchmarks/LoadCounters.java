package dev.qtserver.benchmarks;

/**
 * What all connections of one load run add up to. Owned by the single client event loop:
 * the connections update it without synchronization, and the driver reads or switches it
 * only by running a task on that loop.
 */
final class LoadCounters {

	/** How many problems are described on stderr before the rest are only counted. */
	private static final int MAX_LOGGED = 10;

	final LatencyHistogram latency = new LatencyHistogram();

	private boolean sending = true;

	private boolean windowOpen;

	private long windowMessages;

	private long totalMessages;

	private long mismatches;

	private long errors;

	private int logged;

	void received(long roundTripNanos) {
		this.totalMessages++;
		if (this.windowOpen) {
			this.windowMessages++;
			this.latency.record(roundTripNanos);
		}
	}

	void mismatch(int connection, long sequence, String detail) {
		this.mismatches++;
		log("MISMATCH connection " + connection + " message " + sequence + ": " + detail);
	}

	void error(int connection, String detail) {
		this.errors++;
		log("ERROR connection " + connection + ": " + detail);
	}

	/**
	 * Whether connections answer each reply with a new message (not once the run drains).
	 */
	boolean sending() {
		return this.sending;
	}

	void stopSending() {
		this.sending = false;
	}

	void openWindow() {
		this.windowOpen = true;
		this.windowMessages = 0;
		this.latency.reset();
	}

	void closeWindow() {
		this.windowOpen = false;
	}

	long windowMessages() {
		return this.windowMessages;
	}

	long totalMessages() {
		return this.totalMessages;
	}

	long mismatches() {
		return this.mismatches;
	}

	long errors() {
		return this.errors;
	}

	private void log(String message) {
		if (this.logged < MAX_LOGGED) {
			this.logged++;
			System.err.println(message);
		}
		else if (this.logged == MAX_LOGGED) {
			this.logged++;
			System.err.println("(further problems are counted, not shown)");
		}
	}

}
