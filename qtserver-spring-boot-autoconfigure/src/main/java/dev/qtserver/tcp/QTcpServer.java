package dev.qtserver.tcp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import dev.qtserver.core.AbstractQtServer;
import dev.qtserver.core.CloseReason;
import dev.qtserver.core.ConnectionPipeline;
import dev.qtserver.core.ConnectionState;
import dev.qtserver.core.HandlerExecution;
import dev.qtserver.core.ListenerTls;
import dev.qtserver.core.TlsSettings;
import dev.qtserver.core.TlsStage;
import dev.qtserver.core.IoErrorHandler;
import dev.qtserver.core.QtServerCustomizer;
import dev.qtserver.core.ServerKind;
import dev.qtserver.event.ApplicationEventSignals;
import dev.qtserver.ssl.ApplicationProtocols;
import dev.qtserver.ssl.TlsHalfClose;
import dev.qtserver.ssl.TlsSupport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpResources;
import reactor.netty.tcp.TcpServer;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * A TCP server that behaves like Qt's {@code QTcpServer}, on Reactor Netty.
 *
 * <p>
 * Without a handler, accepted connections queue until the application takes them with
 * {@link #nextPendingConnection()}; once {@link #maxPendingConnections()} are queued the
 * server stops accepting and the rest wait in the operating system's backlog. With a
 * handler bound (an annotated {@link dev.qtserver.handler.QtHandler @QtHandler} bean or a
 * {@link TcpConnectionHandler}), each connection goes straight to it.
 */
public final class QTcpServer extends AbstractQtServer<QTcpSocket, TcpServer> {

	private static final Log logger = LogFactory.getLog(QTcpServer.class);

	private final TcpServerSettings settings;

	private final TcpFrameCodec codec;

	private volatile @Nullable TcpConnectionHandler handler;

	/**
	 * Create a server; it does not listen until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 */
	public QTcpServer(String name, TcpServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<TcpServer>> customizers) {
		this(name, settings, eventPublisher, workers, customizers, null);
	}

	/**
	 * Create a server that may listen with TLS ({@code QSslServer}); it does not listen
	 * until {@link #listen()}.
	 * @param name the server name
	 * @param settings its settings
	 * @param eventPublisher where its events go
	 * @param workers runs handler code and event listeners, off the event loops
	 * @param customizers applied to the Reactor Netty server before each bind, when they
	 * apply to it
	 * @param sslBundles where the SSL bundle its TLS settings name is looked up; needed
	 * only when it has TLS settings
	 * @throws dev.qtserver.core.InvalidSettingException when its SSL bundle is missing
	 */
	public QTcpServer(String name, TcpServerSettings settings, ApplicationEventPublisher eventPublisher,
			Executor workers, List<? extends QtServerCustomizer<TcpServer>> customizers,
			@Nullable SslBundles sslBundles) {
		super(ServerKind.TCP, name, settings.listen(), List.of(settings.listen().listener()), workers,
				(server) -> new ApplicationEventSignals(server, eventPublisher), QTcpServer::transport, customizers,
				new TlsSupport(sslBundles, ApplicationProtocols.NONE, TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT));
		this.settings = settings;
		this.codec = new TcpFrameCodec(settings);
	}

	/**
	 * A client that half-closes after its last request ({@code nc -N},
	 * {@code shutdown(SHUT_WR)}) still gets the replies. On Netty 4.2's epoll transport a
	 * half-closed socket leaves the epoll set once it has nothing to wait for, and a
	 * later write that must wait for room fails and closes the channel (the tail of a
	 * large answer is lost, raw Reactor Netty included): NIO keeps such sockets
	 * registered, so TCP servers run on Reactor Netty's NIO loops.
	 */
	private static TcpServer transport() {
		return TcpServer.create().childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).runOn(TcpResources.get(), false);
	}

	/**
	 * Return the settings the server was created with.
	 * @return the settings
	 */
	public TcpServerSettings settings() {
		return this.settings;
	}

	TcpFrameCodec codec() {
		return this.codec;
	}

	/**
	 * Return the listen backlog used by the next {@link #listen()}.
	 * @return the backlog size
	 */
	public int listenBacklogSize() {
		return listeners().get(0).listenBacklogSize();
	}

	/**
	 * Set the listen backlog; as in Qt it takes effect at the next {@link #listen()}.
	 * @param listenBacklogSize the backlog size
	 */
	public void setListenBacklogSize(int listenBacklogSize) {
		listeners().get(0).setListenBacklogSize(listenBacklogSize);
	}

	/**
	 * Return whether the server speaks TLS, as a Qt {@code QSslServer} does.
	 * @return whether it is secure
	 */
	public boolean isSecure() {
		return listeners().get(0).isSecure();
	}

	@Override
	protected TcpServer secure(TcpServer transport, ListenerTls tls) {
		return transport.secure(tls.sslProviderSpec());
	}

	@Override
	public void bindHandler(Object handler, String handlerName, HandlerExecution execution) {
		setHandler((handler instanceof TcpConnectionHandler reactive) ? reactive
				: AnnotatedTcpConnectionHandler.of(handler, handlerName, execution, this));
	}

	/**
	 * Send new connections to a handler instead of the pending queue.
	 * @param handler the handler, or {@code null} to queue new connections again
	 */
	public void setHandler(@Nullable TcpConnectionHandler handler) {
		this.handler = handler;
	}

	/**
	 * Register at once (called under the gate's lock), set the pipeline up on the loop.
	 */
	@Override
	protected void admit(Connection connection) {
		QTcpSocket socket = new QTcpSocket(connectionId(connection), name(), connection, this.codec,
				new ConnectionState(workers()), statistics());
		TcpConnectionHandler bound = this.handler;
		if (bound instanceof AnnotatedTcpConnectionHandler) {
			// it answers what was sent before a half-close, then closes: at shutdown too
			socket.closeAtEndOfInput();
		}
		else if (bound == null) {
			// the application reads through receiveObject(), to the half-close
			socket.readEndOfInput();
		}
		registry().register(socket, bound == null);
		EventLoop loop = connection.channel().eventLoop();
		if (loop.inEventLoop()) {
			start(socket, bound);
		}
		else {
			loop.execute(() -> start(socket, bound));
		}
	}

	private void start(QTcpSocket socket, @Nullable TcpConnectionHandler bound) {
		Connection connection = socket.connection();
		if (!connection.channel().isActive()) {
			// closed while it waited for this loop (a parked connection): its close is
			// already handled
			return;
		}
		// an annotated handler takes whole frames, so that it can echo one without a copy
		ChannelHandler decoder = this.codec.newDecoder(bound instanceof AnnotatedTcpConnectionHandler);
		if (decoder != null) {
			ConnectionPipeline.addLast(connection, QTcpSocket.FRAME_DECODER, decoder);
			ConnectionPipeline.addLast(connection, QTcpSocket.FRAME_ERRORS,
					new FrameErrorHandler(this.settings.maxFrameLength(), (ex) -> framingBroken(socket, ex)));
		}
		ConnectionPipeline.addLast(connection, QTcpSocket.INPUT_SHUTDOWN, new InputShutdownHandler(socket));
		// a TLS 1.3 close_notify is a half-close too
		TlsHalfClose.install(connection.channel().pipeline());
		ConnectionPipeline.addLast(connection, QTcpSocket.IO_ERRORS,
				new IoErrorHandler(() -> bound != null || socket.isReceived(), (ex) -> connectionFailed(socket, ex)));
		Duration idleTimeout = this.settings.listen().idleTimeout();
		// only where a handler reads: an unread pending connection would look idle
		// however chatty
		if (idleTimeout != null && bound != null) {
			connection.onReadIdle(idleTimeout.toMillis(), () -> socket.closeWith(CloseReason.IDLE_TIMEOUT));
		}
		if (bound != null) {
			Mono.fromDirect(bound.handle(socket, connection.inbound(), connection.outbound())).onErrorResume((ex) -> {
				socket.state().closing(CloseReason.HANDLER_ERROR);
				statistics().handlerError();
				connectionFailed(socket, ex);
				return Mono.empty();
			}).subscribe(connection.disposeSubscriber());
		}
	}

	private void framingBroken(QTcpSocket socket, FramingException ex) {
		// the peer broke the framing: the event and the errors metric record it; a
		// warning per bad client would let any client fill the logs
		if (logger.isDebugEnabled()) {
			logger.debug("Closing " + socket + ": " + ex.getMessage());
		}
		socket.state().closing(CloseReason.PROTOCOL_ERROR);
		connectionFailed(socket, ex);
	}

	/**
	 * Record a connection error: the metric, and the event in order on the connection's
	 * worker.
	 */
	void connectionFailed(QTcpSocket socket, Throwable ex) {
		registry().failed(socket, ex);
	}

}
