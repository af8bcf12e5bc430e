package dev.qtserver.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

import dev.qtserver.http.HttpRequestObservations.ObservedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Writes the response to one request, after Qt's {@code QHttpServerResponder}: once,
 * either whole ({@code write}) or in chunks ({@code writeBeginChunked},
 * {@code writeChunk}, {@code writeEndChunked}). May be used from any thread, one thread
 * at a time. Every response passes the server's {@link AfterRequestHandler}s before it is
 * written (a chunked one with its status and headers).
 *
 * <p>
 * On a worker thread, {@code writeChunk} waits while the client is slower than the
 * handler (the connection is not writable), so a large streamed response is never
 * buffered whole; on an event loop it cannot wait: return a {@code Flux} from the route
 * instead.
 *
 * <p>
 * A whole response is handed to Reactor Netty in a task of its own on the connection's
 * event loop, whichever thread writes it. Reactor Netty writes it and winds the request
 * up at once; from another thread, the client could have the response and send its next
 * request before the request was wound up, and Reactor Netty then queues that request.
 * Reactor Netty 1.3.6 and 1.3.7 stop reading a connection when a request they queued is
 * answered within the call that hands it over (reactor/reactor-netty#4361): the request
 * after it is never read, and its client waits for a reply that never comes. Writing in a
 * task of its own avoids both: requests are not queued behind a response already sent,
 * and no request is answered within that call. A connection on which nothing can be
 * queued yet answers at once, as a plain Reactor Netty server does
 * ({@link HttpConnectionState}).
 */
public final class QHttpServerResponder {

	private static final Log logger = LogFactory.getLog(QHttpServerResponder.class);

	private static final int NONE = 0;

	private static final int CHUNKED = 1;

	private static final int DONE = 2;

	/** A request is answered once: the first write claims it, any later one fails. */
	private static final AtomicIntegerFieldUpdater<QHttpServerResponder> STATE = AtomicIntegerFieldUpdater
		.newUpdater(QHttpServerResponder.class, "state");

	private final HttpServerResponse response;

	private final QHttpServerRequest request;

	private final ResponseFinisher finisher;

	private final ResponseCompletion completion;

	private final Channel channel;

	private final EventLoop eventLoop;

	private final @Nullable ObservedRequest observation;

	private final Consumer<QHttpServerResponder> onDone;

	/** What the server keeps for the request's connection, looked up once per request. */
	private final HttpConnectionState connection;

	/** The headers every response to the request carries, and the content types. */
	private final ResponseHeaderPresets presets;

	private final long started = System.nanoTime();

	private volatile int state = NONE;

	private volatile boolean cancelled;

	private volatile @Nullable ChunkStream chunks;

	QHttpServerResponder(HttpServerResponse response, Channel channel, QHttpServerRequest request,
			ResponseFinisher finisher, Consumer<QHttpServerResponder> onDone, @Nullable ObservedRequest observation,
			HttpConnectionState connection, ResponseHeaderPresets presets) {
		this.connection = connection;
		this.presets = presets;
		this.response = response;
		this.channel = channel;
		this.request = request;
		this.finisher = finisher;
		this.onDone = onDone;
		this.observation = observation;
		this.eventLoop = channel.eventLoop();
		this.completion = new ResponseCompletion(this.eventLoop, this);
	}

	/**
	 * Write a complete response.
	 * @param response the response
	 * @throws IllegalStateException when a response was written already
	 */
	public void write(QHttpServerResponse response) {
		claim(NONE, DONE);
		this.finisher.finish(this.eventLoop, this.request, response, () -> send(response));
	}

	/**
	 * Write a response with a status and no body.
	 * @param status the status code
	 */
	public void write(int status) {
		write(QHttpServerResponse.status(status));
	}

	/**
	 * Write a 200 response with a {@code text/plain} body in UTF-8.
	 * @param text the body
	 */
	public void write(String text) {
		write(QHttpServerResponse.text(text));
	}

	/**
	 * Write a response with a body.
	 * @param status the status code
	 * @param contentType the {@code Content-Type}
	 * @param body the body
	 */
	public void write(int status, String contentType, byte[] body) {
		write(new QHttpServerResponse(status, contentType, body));
	}

	/**
	 * Start a chunked response (HTTP/1.1 {@code Transfer-Encoding: chunked}, data frames
	 * on HTTP/2): status and headers go out now, the body follows with
	 * {@link #writeChunk(byte[])} and ends with {@link #writeEndChunked(byte[], Map)}.
	 * @param status the status code
	 * @param headers the response headers
	 * @param trailerNames the names of the trailers {@code writeEndChunked} will send
	 */
	public void writeBeginChunked(int status, Map<String, String> headers, String... trailerNames) {
		claim(NONE, CHUNKED);
		QHttpServerResponse head = new QHttpServerResponse(status);
		headers.forEach(head.headers()::set);
		if (trailerNames.length > 0) {
			head.headers().set(HttpHeaderNames.TRAILER, String.join(", ", trailerNames));
		}
		ChunkStream stream = new ChunkStream(this.channel);
		this.chunks = stream;
		this.finisher.finish(this.eventLoop, this.request, head, () -> {
			applyStreamedHead(head);
			if (isHead()) {
				// the chunks the handler goes on writing are dropped
				stream.cancel();
				sendHeadOnly();
				return;
			}
			this.response.trailerHeaders((trailers) -> stream.trailers().forEach(trailers::set));
			this.response.send(stream.flux()).then().subscribe(null, this::failed, this::completed);
		});
	}

	/**
	 * Write one chunk of a response started with
	 * {@link #writeBeginChunked(int, Map, String...)}. On a worker thread it waits while
	 * the client has not taken the chunks before.
	 * @param data the chunk; an empty one is skipped
	 */
	public void writeChunk(byte[] data) {
		emit(openChunks(), data);
	}

	/**
	 * Write one chunk of text, in UTF-8.
	 * @param text the chunk
	 */
	public void writeChunk(String text) {
		writeChunk(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * End a chunked response.
	 * @param data a last chunk, possibly empty
	 * @param trailers the trailers, among those named in {@code writeBeginChunked}
	 */
	public void writeEndChunked(byte[] data, Map<String, String> trailers) {
		ChunkStream stream = openChunks();
		// one end wins, also against another thread's: a later chunk or end fails
		if (!STATE.compareAndSet(this, CHUNKED, DONE)) {
			throw complete();
		}
		emit(stream, data);
		stream.end(trailers);
	}

	/** A worker waits while the client has not taken the chunks before; a loop cannot. */
	private static void emit(ChunkStream stream, byte[] data) {
		if (data.length > 0) {
			stream.emit(data, !Schedulers.isInNonBlockingThread());
		}
	}

	/**
	 * Return whether a response (or the start of a chunked one) was written.
	 * @return whether responded
	 */
	public boolean isResponded() {
		return this.state != NONE;
	}

	/**
	 * Return whether the client went away before the response was complete.
	 * @return whether the request was cancelled
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Write a 200 response whose body is a stream of chunks, taken as the connection can
	 * send them.
	 * @param body the chunks
	 * @param onError told when the stream fails after the response started (the
	 * connection is then cut, so the client sees an incomplete response); not told when
	 * the client went away, which cancels the stream like any other response
	 */
	void stream(Flux<byte[]> body, Consumer<Throwable> onError) {
		claim(NONE, DONE);
		QHttpServerResponse head = QHttpServerResponse.status(200);
		this.finisher.finish(this.eventLoop, this.request, head, () -> {
			applyStreamedHead(head);
			if (isHead()) {
				// the body is not asked for
				sendHeadOnly();
				return;
			}
			// the stream's own errors are the handler's; any other is the write's, a
			// client that reset or left mid-stream: no handler failed
			Flux<ByteBuf> chunks = body.onErrorMap(StreamFailed::new).map(Unpooled::wrappedBuffer);
			this.response.send(chunks).then().subscribe(null, (error) -> {
				if (error instanceof StreamFailed failed) {
					onError.accept(failed.getCause());
				}
				abort();
			}, this::completed);
		});
	}

	/**
	 * Set the head of a response whose length is not known: chunked, except to an
	 * HTTP/1.0 client, which knows no chunked coding (RFC 9112, section 6.1) and reads
	 * the body up to the connection's end (Reactor Netty then closes it).
	 */
	private void applyStreamedHead(QHttpServerResponse head) {
		head.applyTo(this.response, this.presets);
		if ("HTTP/1.0".equals(this.request.protocol())) {
			this.response.chunkedTransfer(false);
		}
	}

	/**
	 * Whether the request is a {@code HEAD}: its response is the head a {@code GET} would
	 * get, without content (RFC 9110 §9.3.2). Netty's HTTP/1.1 codec drops content it is
	 * given; HTTP/2 sends it, so the server gives none.
	 */
	private boolean isHead() {
		return "HEAD".equals(this.request.method());
	}

	/** Send the head of a streamed response to {@code HEAD}, and end it. */
	private void sendHeadOnly() {
		this.response.send().subscribe(null, this::failed, this::completed);
	}

	/**
	 * Cut the connection: for a response that cannot be completed.
	 */
	void abort() {
		this.cancelled = true;
		this.channel.close();
		this.completion.complete();
	}

	/**
	 * The request is about to be dispatched, on its connection's event loop: if the
	 * connection allows it ({@link HttpConnectionState}), a response written within the
	 * dispatch goes to Reactor Netty at once.
	 */
	void dispatching() {
		if (this.connection.mayAnswerInline(this.channel)) {
			this.completion.answerInline();
		}
	}

	/**
	 * The dispatch returned: a request not answered by now marks its connection (see
	 * {@link HttpConnectionState}).
	 */
	void dispatched() {
		if (!this.completion.dispatchReturned()) {
			this.connection.answeredLate(this.channel);
		}
	}

	/** Reactor Netty was told, within its call, that the request is done. */
	void toldInline() {
		this.connection.toldInline(this.channel, this.response);
	}

	/** The exchange is over: answered, cut or given up by the client. */
	void done() {
		this.onDone.accept(this);
	}

	/** The request this responder answers. */
	QHttpServerRequest request() {
		return this.request;
	}

	/** Reactor Netty's response, for its status once written. */
	HttpServerResponse response() {
		return this.response;
	}

	/** The channel the request came on: the connection, or its HTTP/2 stream. */
	Channel channel() {
		return this.channel;
	}

	/** When the request was handed to the handlers, in {@link System#nanoTime()}. */
	long startedNanos() {
		return this.started;
	}

	/** The request's observation, {@code null} when requests are not observed. */
	@Nullable ObservedRequest observation() {
		return this.observation;
	}

	/** What the server keeps for the request's connection. */
	HttpConnectionState connection() {
		return this.connection;
	}

	/** Completes when the response has been written (or the client went away). */
	Mono<Void> completion() {
		return this.completion;
	}

	/** The client went away before the response was complete. */
	void cancel() {
		this.cancelled = true;
		ChunkStream stream = this.chunks;
		if (stream != null) {
			stream.cancel();
		}
	}

	private ChunkStream openChunks() {
		int current = this.state;
		// read after the state: writeBeginChunked claims, then sets the stream
		ChunkStream stream = this.chunks;
		if (current == DONE) {
			throw complete();
		}
		if (current == NONE || stream == null) {
			throw new IllegalStateException("Call writeBeginChunked first (and let it return)");
		}
		return stream;
	}

	private IllegalStateException complete() {
		return new IllegalStateException("The response to " + this.request + " is complete");
	}

	private void claim(int expected, int next) {
		if (!STATE.compareAndSet(this, expected, next)) {
			throw new IllegalStateException("A response to " + this.request + " was written already");
		}
	}

	private void send(QHttpServerResponse full) {
		if (this.completion.inline()) {
			sendNow(full);
			return;
		}
		try {
			this.eventLoop.execute(() -> this.completion.writeInOwnTask(() -> sendNow(full)));
		}
		catch (RejectedExecutionException ex) {
			// the event loop is shutting down, and the connection with it
			failed(ex);
		}
	}

	private void sendNow(QHttpServerResponse full) {
		if (this.cancelled) {
			return;
		}
		ByteBuf body;
		try {
			full.applyTo(this.response, this.presets);
			if (isHead()) {
				if (!full.hasHeader(HttpHeaderNames.CONTENT_LENGTH)) {
					// what a GET would have sent: Reactor Netty leaves a HEAD response's
					// length out
					this.response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(full.bodyLength()));
				}
				body = Unpooled.EMPTY_BUFFER;
			}
			else {
				body = full.encodeBody(this.channel.alloc());
			}
		}
		catch (RuntimeException ex) {
			// a header Reactor Netty refuses, or no memory for the body: the response
			// was claimed, so the connection is cut rather than the request left open
			logger.warn("Cannot write the response to " + this.request + "; closing the connection", ex);
			abort();
			return;
		}
		this.response.sendObject(body).then().subscribe(this.completion);
	}

	private void completed() {
		this.completion.complete();
	}

	void failed(Throwable error) {
		// the connection went away while the response was written: nothing left to tell
		// the client
		this.cancelled = true;
		this.completion.complete();
	}

	/**
	 * An error of a streamed body, told apart from the write's on its way through Reactor
	 * Netty.
	 */
	private static final class StreamFailed extends RuntimeException {

		StreamFailed(Throwable cause) {
			super(null, cause, false, false);
		}

	}

	/**
	 * Runs the after-request handlers on a response, then writes it.
	 */
	@FunctionalInterface
	interface ResponseFinisher {

		void finish(EventLoop eventLoop, QHttpServerRequest request, QHttpServerResponse response, Runnable write);

	}

}
