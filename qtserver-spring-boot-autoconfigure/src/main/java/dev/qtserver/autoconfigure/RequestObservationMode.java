package dev.qtserver.autoconfigure;

/**
 * When HTTP requests are Micrometer observations
 * ({@code qtserver.observations.requests.mode}).
 */
public enum RequestObservationMode {

	/**
	 * Observe requests when something besides Spring Boot's meter observation handler
	 * would see the observation (a tracer, another observation handler); otherwise record
	 * the request timer directly, which gives the same meter for a fraction of the cost.
	 */
	AUTO,

	/**
	 * Observe every request whenever there is an observation registry.
	 */
	ALWAYS,

	/**
	 * Never observe requests; the request timer is still recorded when there are metrics.
	 */
	NEVER

}
