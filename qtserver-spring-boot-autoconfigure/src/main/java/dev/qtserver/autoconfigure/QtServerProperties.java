package dev.qtserver.autoconfigure;

import java.time.Duration;

import dev.qtserver.core.HandlerExecution;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties every kind of Qt-style server shares: the worker threads their
 * handlers run on. Each kind's map of named servers ({@code qtserver.tcp},
 * {@code qtserver.websocket}) is declared by that kind's auto-configuration.
 */
@ConfigurationProperties("qtserver")
public class QtServerProperties {

	private final Workers workers = new Workers();

	private final Handlers handlers = new Handlers();

	private final Observations observations = new Observations();

	public Workers getWorkers() {
		return this.workers;
	}

	public Handlers getHandlers() {
		return this.handlers;
	}

	public Observations getObservations() {
		return this.observations;
	}

	/**
	 * Which handler calls are observed when the application has an ObservationRegistry.
	 */
	public static class Observations {

		private final Messages messages = new Messages();

		private final Requests requests = new Requests();

		public Messages getMessages() {
			return this.messages;
		}

		public Requests getRequests() {
			return this.requests;
		}

		/**
		 * Observations of HTTP requests and of the @Route calls inside them.
		 */
		public static class Requests {

			/**
			 * When each HTTP request (and its @Route call) is a Micrometer observation:
			 * 'auto' when something besides Spring Boot's meter observation handler would
			 * see it (a tracer, another ObservationHandler bean, an
			 * ObservationRegistryCustomizer, a request convention bean, or an
			 * ObservationRegistry Boot did not configure), 'always', or 'never'. Without
			 * an observation the request timer is recorded directly, with the same name
			 * and tags.
			 */
			private RequestObservationMode mode = RequestObservationMode.AUTO;

			public RequestObservationMode getMode() {
				return this.mode;
			}

			public void setMode(RequestObservationMode mode) {
				this.mode = mode;
			}

		}

		/**
		 * Observations of @OnMessage calls of TCP and WebSocket handlers.
		 */
		public static class Messages {

			/**
			 * Whether each @OnMessage call of a TCP or WebSocket handler is observed (a
			 * span per message when tracing is on). Off by default: with Spring Boot's
			 * default observation handlers an observation costs about as much as a whole
			 * echo of a small message.
			 */
			private boolean enabled;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

	/**
	 * How handler methods are run.
	 */
	public static class Handlers {

		/**
		 * Where handler methods run unless annotated @Blocking or @NonBlocking: 'auto' by
		 * return type (Mono, Flux, Publisher or CompletionStage on the event loop,
		 * anything else on a worker), 'event-loop' or 'worker' for every method.
		 */
		private HandlerExecution execution = HandlerExecution.AUTO;

		/**
		 * How long a handler call may run on an event loop before a warning with the
		 * handler method and the thread's stack is logged. Zero or negative turns the
		 * check off.
		 */
		private Duration blockedThreadWarning = Duration.ofSeconds(2);

		public HandlerExecution getExecution() {
			return this.execution;
		}

		public void setExecution(HandlerExecution execution) {
			this.execution = execution;
		}

		public Duration getBlockedThreadWarning() {
			return this.blockedThreadWarning;
		}

		public void setBlockedThreadWarning(Duration blockedThreadWarning) {
			this.blockedThreadWarning = blockedThreadWarning;
		}

	}

	/**
	 * The threads that run handler methods and event listeners, off the event loops.
	 */
	public static class Workers {

		/**
		 * Maximum number of platform threads running handler code at once. Ignored when
		 * virtual threads are enabled.
		 */
		private int maxThreads = 64;

		/**
		 * Prefix of the worker thread names.
		 */
		private String threadNamePrefix = "qtserver-worker-";

		public int getMaxThreads() {
			return this.maxThreads;
		}

		public void setMaxThreads(int maxThreads) {
			this.maxThreads = maxThreads;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

	}

}
