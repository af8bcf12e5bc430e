package dev.qtserver.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.qtserver.core.BlockedThreadChecker;
import dev.qtserver.core.HandlerCall;
import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.core.HandlerCallObserver.ObservedCall;
import dev.qtserver.core.WorkerHandOff;
import dev.qtserver.core.WorkerTask;
import dev.qtserver.core.WorkerRunHistory;
import dev.qtserver.http.HttpHandlers.Asker;
import dev.qtserver.http.HttpHandlers.HandlerAsker;
import dev.qtserver.http.HttpHandlers.Placed;
import dev.qtserver.http.HttpHandlers.RouteAsker;
import dev.qtserver.http.HttpRequestObservations.ObservedRequest;
import dev.qtserver.http.HttpRequestObservations.Scope;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Walks one request through an HTTP server's handlers, each on the thread it is placed
 * on: routes are matched where the request is (no user code runs for that), a handler
 * runs on the event loop or a worker as it is placed, and the walk moves threads only
 * when the next handler to run needs another one. Replies become responses; failures
 * become 500s, errors events and a log line; requests nobody took become 405 or the
 * missing handler's answer (404 by default).
 */
final class RequestDispatcher {

	private static final Log logger = LogFactory.getLog(RequestDispatcher.class);

	private static final String[] NO_SEGMENTS = new String[0];

	private final QHttpServer server;

	private final Executor workers;

	private final @Nullable JsonCodec json;

	/** Whether the missing handler's calls on workers took long lately. */
	private final WorkerRunHistory missingHandlerRuns = new WorkerRunHistory();

	RequestDispatcher(QHttpServer server, Executor workers, @Nullable JsonCodec json) {
		this.server = server;
		this.workers = workers;
		this.json = json;
	}

	/**
	 * Start handling a request, on the event loop of its connection.
	 */
	void dispatch(HttpHandlers handlers, QHttpServerRequest request, QHttpServerResponder responder, Channel channel) {
		Walk walk = new Walk(handlers, request, responder, channel);
		ObservedRequest observed = responder.observation();
		if (observed == null) {
			walk.start();
			return;
		}
		try (Scope scope = observed.openScope()) {
			walk.start();
		}
	}

	/**
	 * One request's way through the handlers; run, it calls the route it found (one
	 * object per request, not a task per step).
	 */
	private final class Walk implements Runnable {

		private final HttpHandlers handlers;

		private final QHttpServerRequest request;

		private final QHttpServerResponder responder;

		private final Channel channel;

		/** The request path's decoded segments, once the walk needs them. */
		private String[] segments = NO_SEGMENTS;

		private @Nullable Set<String> allowed;

		private @Nullable RouteMethod route;

		private @Nullable Object @Nullable [] values;

		Walk(HttpHandlers handlers, QHttpServerRequest request, QHttpServerResponder responder, Channel channel) {
			this.handlers = handlers;
			this.request = request;
			this.responder = responder;
			this.channel = channel;
		}

		/**
		 * Take the first step: straight to the route of an exact path when it is the
		 * first asked about it and takes the method, else walk from the first handler.
		 */
		void start() {
			String rawPath = this.request.rawPath();
			RouteMethod exact = this.handlers.exactPaths().get(rawPath);
			if (exact != null && exact.takes(this.request.method())) {
				@Nullable Object[] values = exact.convertPath(Map.of());
				if (values != null) {
					take(exact, values);
					return;
				}
			}
			try {
				this.segments = RoutePattern.decodedSegments(rawPath);
			}
			catch (IllegalArgumentException ex) {
				this.responder.write(400);
				return;
			}
			continueFrom(0);
		}

		void continueFrom(int start) {
			List<Asker> askers = this.handlers.askers();
			for (int i = start; i < askers.size(); i++) {
				Asker asker = askers.get(i);
				if (asker instanceof RouteAsker routeAsker) {
					RouteMethod route = routeAsker.route();
					Map<String, String> variables = route.pattern().match(this.segments);
					if (variables == null) {
						continue;
					}
					if (!route.takes(this.request.method())) {
						// the 405's route, unless a later one takes the request
						this.request.routeMatched(route.pattern().toString());
						allow(route.methods());
						continue;
					}
					@Nullable Object[] values = route.convertPath(variables);
					if (values == null) {
						continue;
					}
					take(route, values);
					return;
				}
				HandlerAsker handler = (HandlerAsker) asker;
				if (!onThreadFor(handler.onEventLoop())) {
					int resume = i;
					runOn(handler.onEventLoop(), handler.workerRuns(), handler.name(), () -> continueFrom(resume));
					return;
				}
				boolean watched = handler.onEventLoop();
				if (watched) {
					BlockedThreadChecker.callStarted(handler.name());
				}
				try {
					if (handler.handler().handleRequest(this.request, this.responder)) {
						return;
					}
				}
				catch (Throwable ex) {
					failed(this.request, this.responder, ex);
					return;
				}
				finally {
					if (watched) {
						BlockedThreadChecker.callEnded();
					}
				}
			}
			missing();
		}

		private void take(RouteMethod route, @Nullable Object[] values) {
			this.request.routeAnswering(route.pattern().toString());
			this.route = route;
			this.values = values;
			runOn(route.onEventLoop(), route.workerRuns(), route.toString(), this);
		}

		/** Call the route found. */
		@Override
		public void run() {
			call(java.util.Objects.requireNonNull(this.route), java.util.Objects.requireNonNull(this.values));
		}

		private void allow(Set<String> methods) {
			if (this.allowed == null) {
				this.allowed = new TreeSet<>();
			}
			this.allowed.addAll(methods);
		}

		/**
		 * Call a route method and write what it returned; an observed call is observed
		 * until its reply is handed on (a reactive one is subscribed to).
		 */
		private void call(RouteMethod route, @Nullable Object[] values) {
			HandlerCallObserver observer = RequestDispatcher.this.server.handlerCallObserver();
			if (observer == null || !observer.observes(HandlerCall.ROUTE)) {
				callAndReply(route, values, null);
				return;
			}
			ObservedCall observed = observer.callStarted(RequestDispatcher.this.server, HandlerCall.ROUTE,
					route.handlerName());
			try {
				callAndReply(route, values, observed);
			}
			finally {
				observed.end();
			}
		}

		private void callAndReply(RouteMethod route, @Nullable Object[] values, @Nullable ObservedCall observed) {
			Object reply;
			try {
				reply = route.invoke(values, this.request, this.responder);
			}
			catch (BadRequestException ex) {
				this.responder.write(400);
				return;
			}
			catch (Throwable ex) {
				if (observed != null) {
					observed.failed(ex);
				}
				failed(this.request, this.responder, ex);
				return;
			}
			if (!route.writesItself()) {
				reply(this.request, this.responder, reply);
			}
		}

		private void missing() {
			RequestDispatcher.this.server.missing(this.request);
			Set<String> methods = this.allowed;
			if (methods != null) {
				QHttpServerResponse response = QHttpServerResponse.status(405);
				response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", methods));
				this.responder.write(response);
				return;
			}
			Placed<MissingHandler> handler = this.handlers.missing();
			if (handler == null) {
				this.responder.write(404);
				return;
			}
			runOn(handler.onEventLoop(), RequestDispatcher.this.missingHandlerRuns, handler.name(), () -> {
				try {
					handler.handler().handleMissing(this.request, this.responder);
				}
				catch (Throwable ex) {
					failed(this.request, this.responder, ex);
					return;
				}
				if (!this.responder.isResponded()) {
					this.responder.write(404);
				}
			});
		}

		private boolean onThreadFor(boolean eventLoop) {
			return eventLoop ? this.channel.eventLoop().inEventLoop() : !Schedulers.isInNonBlockingThread();
		}

		/**
		 * Run user code on its thread; on the event loop, watched by the blocked-thread
		 * check. A worker call asked for on the event loop goes to the workers with the
		 * others of the loop's pass ({@link WorkerHandOff}): one wake-up per pass, not
		 * per request.
		 */
		private void runOn(boolean eventLoop, WorkerRunHistory workerRuns, String what, Runnable task) {
			if (onThreadFor(eventLoop)) {
				runWatched(eventLoop, what, task);
			}
			else if (eventLoop) {
				this.channel.eventLoop().execute(observed(() -> runWatched(true, what, task)));
			}
			else {
				WorkerTask.execute(this.channel.eventLoop(), RequestDispatcher.this.workers, workerRuns, observed(task),
						this::refused);
			}
		}

		/** The workers refused a call (they were shut down): no one will answer. */
		void refused(RejectedExecutionException ex) {
			logger.debug("HTTP server '" + RequestDispatcher.this.server.name() + "': no worker for " + this.request,
					ex);
			if (!this.responder.isResponded()) {
				this.responder.write(503);
			}
			else {
				this.responder.abort();
			}
		}

		private static void runWatched(boolean eventLoop, String what, Runnable task) {
			if (!eventLoop) {
				task.run();
				return;
			}
			BlockedThreadChecker.callStarted(what);
			try {
				task.run();
			}
			finally {
				BlockedThreadChecker.callEnded();
			}
		}

		/**
		 * A task that runs with the request's observation current, when the request is
		 * observed: the thread it runs on has not got it yet.
		 */
		private Runnable observed(Runnable task) {
			ObservedRequest observed = this.responder.observation();
			if (observed == null) {
				return task;
			}
			return () -> {
				try (Scope scope = observed.openScope()) {
					task.run();
				}
			};
		}

	}

	/**
	 * Turn what a route returned into the response.
	 */
	private void reply(QHttpServerRequest request, QHttpServerResponder responder, @Nullable Object reply) {
		ObservedRequest observed = responder.observation();
		if (reply instanceof Flux<?> stream) {
			Flux<byte[]> chunks = stream.map(this::chunk);
			responder.stream((observed != null) ? chunks.contextWrite(observed::putInto) : chunks,
					(error) -> failed(request, responder, error));
			return;
		}
		if (reply instanceof Fuseable.ScalarCallable<?> scalar) {
			// Mono.just and Mono.empty: the value is there already, no subscription
			// needed
			Object value;
			try {
				value = scalar.call();
			}
			catch (Exception ex) {
				failed(request, responder, ex);
				return;
			}
			reply(request, responder, value);
			return;
		}
		if (reply instanceof Publisher<?> publisher) {
			Mono<?> single = Mono.from(publisher);
			((observed != null) ? single.contextWrite(observed::putInto) : single).subscribe(
					(value) -> reply(request, responder, value), (error) -> failed(request, responder, error), () -> {
						if (!responder.isResponded()) {
							responder.write(200);
						}
					});
			return;
		}
		if (reply instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, error) -> {
				if (error != null) {
					failed(request, responder, error);
					return;
				}
				try {
					reply(request, responder, value);
				}
				catch (RuntimeException ex) {
					// a CompletionStage drops what its callbacks throw: answer 500
					// instead of
					// losing the response
					failed(request, responder, ex);
				}
			});
			return;
		}
		QHttpServerResponse response;
		try {
			response = toResponse(reply);
		}
		catch (RuntimeException ex) {
			failed(request, responder, ex);
			return;
		}
		responder.write(response);
	}

	private QHttpServerResponse toResponse(@Nullable Object reply) {
		if (reply == null) {
			return QHttpServerResponse.status(200);
		}
		if (reply instanceof QHttpServerResponse response) {
			return response;
		}
		if (reply instanceof String text) {
			return QHttpServerResponse.text(text);
		}
		if (reply instanceof byte[] bytes) {
			return QHttpServerResponse.bytes(bytes);
		}
		JsonCodec codec = this.json;
		if (codec == null) {
			throw new IllegalStateException("Cannot write " + reply.getClass().getName()
					+ " without JSON support: add Jackson (spring-boot-starter-json)");
		}
		return QHttpServerResponse.json(codec.write(reply));
	}

	private byte[] chunk(Object element) {
		if (element instanceof byte[] bytes) {
			return bytes;
		}
		if (element instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		JsonCodec codec = this.json;
		if (codec == null) {
			throw new IllegalStateException("Cannot write " + element.getClass().getName()
					+ " without JSON support: add Jackson (spring-boot-starter-json)");
		}
		return codec.write(element);
	}

	/**
	 * A handler failed: 500 (or, once the response had started, a cut connection), an
	 * event, the errors metric and a log line.
	 */
	void failed(QHttpServerRequest request, QHttpServerResponder responder, Throwable error) {
		logger.warn("HTTP server '" + this.server.name() + "': a handler failed on " + request, error);
		ObservedRequest observed = responder.observation();
		if (observed != null) {
			observed.failed(error);
		}
		this.server.handlerFailed(request, error);
		if (!responder.isResponded()) {
			responder.write(500);
		}
		else {
			responder.abort();
		}
	}

}
