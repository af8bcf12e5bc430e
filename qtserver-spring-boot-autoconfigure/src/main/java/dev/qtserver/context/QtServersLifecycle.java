package dev.qtserver.context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import dev.qtserver.core.Addresses;
import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.ServerListener;
import dev.qtserver.core.SocketError;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Starts every auto-startup server once the context is refreshed and shuts every server
 * down with the context: stop accepting, let the messages already received finish within
 * the shutdown timeout, then close. Servers shut down in parallel.
 */
public final class QtServersLifecycle implements SmartLifecycle {

	/**
	 * Same phase as Boot's embedded web server start/stop, so both come and go together.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Log logger = LogFactory.getLog(QtServersLifecycle.class);

	private final ObjectProvider<QtServer> servers;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	private volatile @Nullable CountDownLatch keepAlive;

	/**
	 * Create a lifecycle.
	 * @param servers the servers to manage
	 * @param shutdownTimeout how long connections may take to finish at shutdown
	 */
	public QtServersLifecycle(ObjectProvider<QtServer> servers, Duration shutdownTimeout) {
		this.servers = servers;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		List<QtServer> started = new ArrayList<>();
		for (QtServer server : this.servers.orderedStream().toList()) {
			if (server.isAutoStartup() && !server.isListening()) {
				if (!server.listen()) {
					started.forEach(QtServer::close);
					throw listenFailure(server);
				}
				logger.info(server.kind().displayName() + " server '" + server.name() + "' listening on "
						+ server.listeners()
							.stream()
							.map((listener) -> Addresses.describe(listener.serverAddress(), listener.serverPort())
									+ (listener.isSecure() ? " (TLS)" : ""))
							.collect(Collectors.joining(", ")));
				started.add(server);
			}
		}
		this.running = true;
		if (!started.isEmpty()) {
			keepJvmAlive();
		}
	}

	/**
	 * Netty's event loops are daemon threads: without a thread of our own, an application
	 * whose only work is serving sockets would exit as soon as it started (Boot's RSocket
	 * server does the same).
	 */
	private void keepJvmAlive() {
		CountDownLatch latch = new CountDownLatch(1);
		this.keepAlive = latch;
		Thread thread = new Thread(() -> {
			try {
				latch.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "qtserver-keep-alive");
		thread.setDaemon(false);
		thread.start();
	}

	private static ServerListenException listenFailure(QtServer server) {
		ServerListener failed = server.listeners()
			.stream()
			.filter((listener) -> listener.serverError() != SocketError.UNKNOWN_SOCKET_ERROR)
			.findFirst()
			.orElse(server.listeners().get(0));
		return new ServerListenException(failed);
	}

	@Override
	public void stop() {
		CountDownLatch done = new CountDownLatch(1);
		stop(done::countDown);
		try {
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		CountDownLatch latch = this.keepAlive;
		if (latch != null) {
			latch.countDown();
			this.keepAlive = null;
		}
		List<QtServer> all = this.servers.orderedStream().toList();
		CountDownLatch remaining = new CountDownLatch(all.size());
		for (QtServer server : all) {
			Thread shutdown = new Thread(() -> {
				try {
					server.shutdown(this.shutdownTimeout);
				}
				catch (RuntimeException ex) {
					logger.warn("Shutting down server '" + server.name() + "' failed", ex);
				}
				finally {
					remaining.countDown();
				}
			}, "qtserver-shutdown-" + server.name());
			shutdown.start();
		}
		Thread waiter = new Thread(() -> {
			try {
				remaining.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			callback.run();
		}, "qtserver-shutdown");
		waiter.start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isPauseable() {
		// a listening socket must not bounce when the context is paused
		return false;
	}

}
