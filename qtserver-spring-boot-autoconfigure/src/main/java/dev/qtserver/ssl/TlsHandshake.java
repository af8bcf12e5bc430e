package dev.qtserver.ssl;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.TlsStage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * The TLS stage of one secure connection, from accept until it is encrypted, as Qt's
 * {@code QSslServer} runs it: the connection reads nothing until its listener admits it
 * (so a handshake never starts behind a closed accept gate); its first byte must start a
 * TLS handshake record ({@code 0x16}) or it is closed at once; it is closed if it is not
 * encrypted within the handshake timeout, which restarts once, when the first record
 * arrives; a failed handshake is read for its SSL signals. Two handlers do it: a guard in
 * front of the {@link SslHandler}, which sees the raw bytes and holds reads, and a
 * watcher behind Reactor Netty's SSL reader, which sees the outcome. Both leave the
 * pipeline once the handshake is over, so an encrypted connection pays nothing for them;
 * below TLS 1.3 the guard stays, to refuse a renegotiation with the fatal alert the JDK
 * sends when it refuses one. Everything runs on the connection's event loop.
 */
public final class TlsHandshake implements TlsStage {

	private static final Log logger = LogFactory.getLog(TlsHandshake.class);

	private static final String GUARD = "qtserver.tlsGuard";

	private static final String WATCHER = "qtserver.tlsWatcher";

	private static final byte HANDSHAKE_RECORD = 0x16;

	private final Channel channel;

	private final long connectionId;

	private final Duration timeout;

	private final TlsStage.Owner owner;

	private boolean admitted;

	private boolean readRequested;

	private boolean recordSeen;

	private boolean over;

	private boolean refusingRenegotiation;

	private boolean renegotiationRefused;

	private long admittedNanos;

	private @Nullable ScheduledFuture<?> timer;

	private volatile @Nullable SSLSession session;

	private final TlsAlertScanner received = new TlsAlertScanner();

	private final TlsAlertScanner sent = new TlsAlertScanner();

	private TlsHandshake(Channel channel, long connectionId, Duration timeout, TlsStage.Owner owner) {
		this.channel = channel;
		this.connectionId = connectionId;
		this.timeout = timeout;
		this.owner = owner;
	}

	/**
	 * Put the TLS stage into the pipeline of a connection just accepted by a secure
	 * listener, after Reactor Netty added its SSL handlers.
	 * @param channel the connection's channel
	 * @param connectionId the id the connection keeps
	 * @param timeout the handshake timeout
	 * @param owner the server side of the stage
	 * @return the stage, which waits for {@link #admitted()}
	 */
	static TlsHandshake install(Channel channel, long connectionId, Duration timeout, TlsStage.Owner owner) {
		TlsHandshake handshake = new TlsHandshake(channel, connectionId, timeout, owner);
		ChannelPipeline pipeline = channel.pipeline();
		pipeline.addFirst(GUARD, handshake.new Guard());
		pipeline.addAfter(NettyPipeline.SslReader, WATCHER, handshake.new Watcher());
		channel.attr(TlsStage.ATTRIBUTE).set(handshake);
		return handshake;
	}

	@Override
	public long connectionId() {
		return this.connectionId;
	}

	@Override
	public QtServer server() {
		return this.owner.server();
	}

	@Override
	public @Nullable SSLSession session() {
		return this.session;
	}

	@Override
	public void admitted() {
		if (this.channel.eventLoop().inEventLoop()) {
			start();
		}
		else {
			this.channel.eventLoop().execute(this::start);
		}
	}

	private void start() {
		if (this.over || this.admitted) {
			return;
		}
		this.admitted = true;
		this.admittedNanos = System.nanoTime();
		restartTimer();
		if (this.readRequested) {
			this.readRequested = false;
			this.channel.read();
		}
	}

	private void restartTimer() {
		cancelTimer();
		this.timer = this.channel.eventLoop().schedule(this::timedOut, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void cancelTimer() {
		ScheduledFuture<?> scheduled = this.timer;
		if (scheduled != null) {
			scheduled.cancel(false);
			this.timer = null;
		}
	}

	private void timedOut() {
		if (!this.over) {
			fail(TlsFailure.timedOut(this.timeout));
		}
	}

	private void firstRecord(ByteBuf bytes) {
		if (bytes.getByte(bytes.readerIndex()) != HANDSHAKE_RECORD) {
			fail(TlsFailure.plaintext());
			return;
		}
		this.recordSeen = true;
		// Qt restarts the timer once, for the progress a client hello is; later records
		// get no more time, so a client that trickles its handshake cannot hold a slot
		restartTimer();
		this.owner.publish(new StartedEncryptionHandshakeEvent(this.owner.server(), this.connectionId, peerAddress()));
	}

	private void encrypted(ChannelHandlerContext ctx) {
		this.over = true;
		cancelTimer();
		SslHandler ssl = ctx.pipeline().get(SslHandler.class);
		SSLSession established = (ssl != null) ? ssl.engine().getSession() : null;
		this.session = established;
		// TLS 1.2 lets a client renegotiate, which the JDK's engine accepts: each one a
		// full handshake's work for the server (testssl.sh rates it a DoS). The guard
		// stays in front of the SSL handler to refuse it with an alert; TLS 1.3 has no
		// renegotiation and keeps the stage-free path
		this.refusingRenegotiation = established != null && !"TLSv1.3".equals(established.getProtocol());
		leavePipeline(ctx.pipeline());
		// the server takes the connection first (it becomes pending), then the handshake
		// slot is given back: the two never add up to less than the truth
		ctx.fireChannelActive();
		this.owner.encrypted(this, Duration.ofNanos(System.nanoTime() - this.admittedNanos));
	}

	private void failed(Throwable cause) {
		if (!this.over) {
			SslHandler ssl = this.channel.pipeline().get(SslHandler.class);
			fail(TlsFailure.of(cause, (ssl != null) ? ssl.engine() : null));
		}
	}

	private void fail(TlsFailure failure) {
		this.over = true;
		cancelTimer();
		if (!this.admitted) {
			// parked at the gate and gone before it was let in: as if still in the
			// backlog
			this.channel.close();
			return;
		}
		QtServer server = this.owner.server();
		InetSocketAddress peer = peerAddress();
		List<Object> events = new ArrayList<>();
		if (!failure.peerErrors().isEmpty()) {
			SslError first = failure.peerErrors().get(0);
			events.add(new PeerVerifyErrorEvent(server, this.connectionId, peer, first));
			events.add(new SslErrorsEvent(server, this.connectionId, peer, failure.peerErrors()));
			events.add(new HandshakeInterruptedOnErrorEvent(server, this.connectionId, peer, first));
		}
		// what the wire showed in the clear is certain; otherwise what the engine's
		// report implies
		TlsAlertScanner.Alert sentAlert = alert(this.sent.found(), failure.alertSent());
		if (sentAlert != null) {
			events.add(new AlertSentEvent(server, this.connectionId, peer, sentAlert.level(), sentAlert.type(),
					failure.errorString()));
		}
		TlsAlertScanner.Alert receivedAlert = alert(this.received.found(), failure.alertReceived());
		if (receivedAlert != null) {
			events.add(new AlertReceivedEvent(server, this.connectionId, peer, receivedAlert.level(),
					receivedAlert.type(), failure.errorString()));
		}
		events.add(new SslHandshakeErrorEvent(server, this.connectionId, peer, failure.error(), failure.errorString()));
		events.forEach(this.owner::publish);
		this.channel.close();
		this.owner.handshakeFailed(this, failure.error(), failure.errorString());
	}

	private static TlsAlertScanner.@Nullable Alert alert(TlsAlertScanner.@Nullable Alert seen,
			@Nullable AlertType reported) {
		if (seen != null) {
			return seen;
		}
		return (reported != null) ? new TlsAlertScanner.Alert(AlertLevel.FATAL, reported) : null;
	}

	private void refuseRenegotiation() {
		this.renegotiationRefused = true;
		SslHandler ssl = this.channel.pipeline().get(SslHandler.class);
		boolean alerted = ssl != null && RenegotiationRefusal.queueAlert(ssl.engine());
		if (logger.isDebugEnabled()) {
			logger.debug(this.owner.server() + " refused connection " + this.connectionId
					+ ": the client asked to renegotiate TLS" + (alerted ? "" : " (closed without an alert)"));
		}
		this.owner.server().statistics().error();
		if (alerted) {
			this.owner.publish(new AlertSentEvent(this.owner.server(), this.connectionId, peerAddress(),
					AlertLevel.FATAL, RenegotiationRefusal.ALERT, RenegotiationRefusal.DESCRIPTION));
		}
		// the SSL handler sends what the engine queued (the alert; else a close_notify,
		// which OpenSSL's client takes for a plain close) before it closes
		this.channel.close();
	}

	private void leavePipeline(ChannelPipeline pipeline) {
		for (String name : this.refusingRenegotiation ? new String[] { WATCHER } : new String[] { GUARD, WATCHER }) {
			if (pipeline.context(name) != null) {
				pipeline.remove(name);
			}
		}
	}

	private InetSocketAddress peerAddress() {
		return (InetSocketAddress) this.channel.remoteAddress();
	}

	/**
	 * In front of the SSL handler: holds reads until admitted, checks the first byte.
	 */
	private final class Guard extends ChannelDuplexHandler {

		@Override
		public void read(ChannelHandlerContext ctx) {
			if (TlsHandshake.this.admitted) {
				ctx.read();
			}
			else {
				TlsHandshake.this.readRequested = true;
			}
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (TlsHandshake.this.refusingRenegotiation) {
				readEncrypted(ctx, msg);
				return;
			}
			if (TlsHandshake.this.over) {
				// failed and closing: nothing more is read from this client
				ReferenceCountUtil.release(msg);
				return;
			}
			if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
				if (!TlsHandshake.this.recordSeen) {
					firstRecord(bytes);
					if (TlsHandshake.this.over) {
						bytes.release();
						return;
					}
				}
				TlsHandshake.this.received.scan(bytes);
			}
			ctx.fireChannelRead(msg);
		}

		/**
		 * After a TLS 1.2 handshake: application data passes, a handshake record is
		 * refused and nothing after it is read.
		 */
		private void readEncrypted(ChannelHandlerContext ctx, Object msg) {
			if (TlsHandshake.this.renegotiationRefused || !ctx.channel().isActive()) {
				ReferenceCountUtil.release(msg);
				return;
			}
			if (msg instanceof ByteBuf bytes) {
				long before = TlsHandshake.this.received.handshakeRecords();
				TlsHandshake.this.received.scan(bytes);
				if (TlsHandshake.this.received.handshakeRecords() != before) {
					// the engine never sees the client hello: no handshake work is done
					bytes.release();
					refuseRenegotiation();
					return;
				}
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof ByteBuf bytes && !TlsHandshake.this.over) {
				TlsHandshake.this.sent.scan(bytes);
			}
			ctx.write(msg, promise);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!TlsHandshake.this.over) {
				fail(TlsFailure.closedByPeer());
			}
			ctx.fireChannelInactive();
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			// a TCP server lets a client half-close (it may still want its answers); one
			// that stops sending before it is encrypted will never finish its handshake
			if (evt instanceof ChannelInputShutdownEvent && !TlsHandshake.this.over) {
				fail(TlsFailure.closedByPeer());
				return;
			}
			ctx.fireUserEventTriggered(evt);
		}

	}

	/**
	 * Behind Reactor Netty's SSL reader: sees the handshake succeed (the channel becomes
	 * active for the layers above) or fail.
	 */
	private final class Watcher extends ChannelInboundHandlerAdapter {

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			if (TlsHandshake.this.over) {
				ctx.fireChannelActive();
				return;
			}
			encrypted(ctx);
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			if (evt instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
				failed(completion.cause());
				return;
			}
			ctx.fireUserEventTriggered(evt);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			// a failed handshake is recorded as its SSL signals, not logged as an error
			// nobody caught
			failed(cause);
		}

	}

}
