package dev.qtserver.context;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.qtserver.core.QtServer;
import dev.qtserver.core.ServerListenException;
import dev.qtserver.core.WorkerPool;
import dev.qtserver.event.ServerClosedEvent;
import dev.qtserver.event.ServerListeningEvent;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.TcpServerSettings;
import dev.qtserver.test.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link QtServersLifecycle} starts the auto-startup servers in order, and stops every
 * server in parallel within the shutdown timeout, on real TCP servers bound to loopback
 * port 0.
 */
class QtServersLifecycleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private final WorkerPool workers = WorkerPool.platformThreads(4, "lifecycle-worker-");

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final List<QTcpServer> servers = new ArrayList<>();

	private final List<Socket> clients = new ArrayList<>();

	private final LogCapture log = LogCapture.of(QtServersLifecycle.class);

	private final QtServersLifecycle lifecycle = new QtServersLifecycle(
			this.beanFactory.getBeanProvider(QtServer.class), SHUTDOWN_TIMEOUT);

	@AfterEach
	void tearDown() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		if (this.lifecycle.isRunning()) {
			this.lifecycle.stop();
		}
		this.servers.forEach((server) -> server.shutdown(Duration.ofSeconds(1)));
		this.workers.close();
		await().atMost(TIMEOUT).until(() -> keepAliveThreads() == 0);
		this.log.close();
	}

	@Test
	void whenAskedThenItRunsInTheWebServersPhaseAndCannotBePaused() {
		assertThat(this.lifecycle.getPhase()).isEqualTo(QtServersLifecycle.PHASE)
			.isEqualTo(SmartLifecycle.DEFAULT_PHASE - 2048);
		assertThat(this.lifecycle.isPauseable()).isFalse();
		assertThat(this.lifecycle.isAutoStartup()).isTrue();
	}

	@Test
	void whenStartedThenAutoStartupServersListenInTheProvidersOrderAndOthersDoNot() {
		QTcpServer zeta = register("zeta", true);
		QTcpServer manual = register("manual", false);
		QTcpServer alpha = register("alpha", true);
		assertThat(this.lifecycle.isRunning()).isFalse();
		this.lifecycle.start();
		assertThat(this.lifecycle.isRunning()).isTrue();
		assertThat(zeta.isListening()).isTrue();
		assertThat(alpha.isListening()).isTrue();
		assertThat(manual.isListening()).isFalse();
		assertThat(eventsOf(ServerListeningEvent.class)).extracting(ServerListeningEvent::getServerName)
			.containsExactly("zeta", "alpha");
		assertThat(this.log.messages()).containsExactly(
				"INFO TCP server 'zeta' listening on 127.0.0.1:" + zeta.serverPort(),
				"INFO TCP server 'alpha' listening on 127.0.0.1:" + alpha.serverPort());
	}

	@Test
	void whenAServerAlreadyListensThenStartLeavesItAlone() {
		QTcpServer early = register("early", true);
		assertThat(early.listen()).isTrue();
		int port = early.serverPort();
		this.lifecycle.start();
		assertThat(early.serverPort()).isEqualTo(port);
		assertThat(eventsOf(ServerListeningEvent.class)).hasSize(1);
		assertThat(this.lifecycle.isRunning()).isTrue();
	}

	@Test
	void whenNoServerIsDeclaredThenStartAndStopStillChangeTheRunningState() {
		this.lifecycle.start();
		assertThat(this.lifecycle.isRunning()).isTrue();
		assertThat(keepAliveThreads()).isZero();
		this.lifecycle.stop();
		assertThat(this.lifecycle.isRunning()).isFalse();
	}

	@Test
	void whenAServerCannotListenThenStartFailsAndClosesTheServersItStarted() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
			QTcpServer first = register("first", true);
			QTcpServer blocked = register("blocked",
					TcpServerSettings.builder().address(LOOPBACK).port(taken.getLocalPort()).build());
			QTcpServer third = register("third", true);
			assertThatExceptionOfType(ServerListenException.class).isThrownBy(this.lifecycle::start).satisfies((ex) -> {
				assertThat(ex.getServer()).isSameAs(blocked);
				assertThat(ex.getPort()).isEqualTo(taken.getLocalPort());
			});
			assertThat(first.isListening()).isFalse();
			assertThat(blocked.isListening()).isFalse();
			assertThat(third.isListening()).isFalse();
			assertThat(eventsOf(ServerListeningEvent.class)).extracting(ServerListeningEvent::getServerName)
				.containsExactly("first");
			assertThat(eventsOf(ServerClosedEvent.class)).extracting(ServerClosedEvent::getServerName)
				.containsExactly("first");
			assertThat(this.lifecycle.isRunning()).isFalse();
			assertThat(keepAliveThreads()).isZero();
		}
	}

	@Test
	void whenStoppedThenEveryServerStopsListeningAndItsConnectionsClose() throws IOException {
		QTcpServer one = register("one", true);
		QTcpServer two = register("two", true);
		this.lifecycle.start();
		Socket client = connect(one);
		await().atMost(TIMEOUT).until(() -> one.connectionCount() == 1);
		long start = System.nanoTime();
		this.lifecycle.stop();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SHUTDOWN_TIMEOUT);
		assertThat(this.lifecycle.isRunning()).isFalse();
		assertThat(one.isListening()).isFalse();
		assertThat(two.isListening()).isFalse();
		assertThat(one.connectionCount()).isZero();
		assertThat(client.getInputStream().read()).isEqualTo(-1);
	}

	@Test
	void whenStartedWithAServerThenANonDaemonThreadKeepsTheJvmAliveUntilStopped() {
		register("alive", true);
		this.lifecycle.start();
		assertThat(keepAliveThreads()).isOne();
		this.lifecycle.stop();
		await().atMost(TIMEOUT).until(() -> keepAliveThreads() == 0);
	}

	@Test
	void whenStoppedWithACallbackThenServersShutDownInParallelWithTheTimeoutAndTheCallbackRunsAfterAll()
			throws InterruptedException {
		CountDownLatch bothShuttingDown = new CountDownLatch(2);
		List<Duration> timeouts = new CopyOnWriteArrayList<>();
		List<String> finished = new CopyOnWriteArrayList<>();
		Consumer<Duration> meetTheOther = (timeout) -> {
			timeouts.add(timeout);
			bothShuttingDown.countDown();
			// one server's shutdown waits for the other's to begin: in sequence this
			// never happens
			awaitLatch(bothShuttingDown);
		};
		registerIntercepted("left", meetTheOther, finished);
		registerIntercepted("right", meetTheOther, finished);
		this.lifecycle.start();
		CountDownLatch called = new CountDownLatch(1);
		List<Integer> finishedWhenCalled = new CopyOnWriteArrayList<>();
		this.lifecycle.stop(() -> {
			finishedWhenCalled.add(finished.size());
			called.countDown();
		});
		assertThat(this.lifecycle.isRunning()).isFalse();
		assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(finishedWhenCalled).containsExactly(2);
		assertThat(timeouts).containsExactly(SHUTDOWN_TIMEOUT, SHUTDOWN_TIMEOUT);
	}

	@Test
	void whenAServerFailsToShutDownThenTheOthersStillStopAndTheCallbackRuns() throws InterruptedException {
		registerIntercepted("failing", (timeout) -> {
			throw new IllegalStateException("cannot stop");
		}, new ArrayList<>());
		QTcpServer healthy = register("healthy", true);
		this.lifecycle.start();
		CountDownLatch called = new CountDownLatch(1);
		this.lifecycle.stop(called::countDown);
		assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.log.messages()).contains("WARN Shutting down server 'failing' failed");
		assertThat(healthy.isListening()).isFalse();
	}

	private QTcpServer register(String name, boolean autoStartup) {
		return register(name, TcpServerSettings.builder().address(LOOPBACK).port(0).autoStartup(autoStartup).build());
	}

	private QTcpServer register(String name, TcpServerSettings settings) {
		QTcpServer server = new QTcpServer(name, settings, this.events::add, this.workers.executor(), List.of());
		this.servers.add(server);
		this.beanFactory.registerSingleton(name, server);
		return server;
	}

	/**
	 * Register a real server seen through a {@link QtServer} whose {@code shutdown} first
	 * runs {@code beforeShutdown}, then shuts the real server down and records its name.
	 */
	private void registerIntercepted(String name, Consumer<Duration> beforeShutdown, List<String> finished) {
		QTcpServer server = new QTcpServer(name, TcpServerSettings.builder().address(LOOPBACK).port(0).build(),
				this.events::add, this.workers.executor(), List.of());
		this.servers.add(server);
		QtServer intercepted = (QtServer) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { QtServer.class }, (proxy, method, args) -> {
					boolean shutdown = method.getName().equals("shutdown");
					if (shutdown) {
						beforeShutdown.accept((Duration) args[0]);
					}
					try {
						return method.invoke(server, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
					finally {
						if (shutdown) {
							finished.add(name);
						}
					}
				});
		this.beanFactory.registerSingleton(name, intercepted);
	}

	private Socket connect(QTcpServer server) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(LOOPBACK, server.serverPort()), 5000);
		socket.setSoTimeout(5000);
		this.clients.add(socket);
		return socket;
	}

	private <E> List<E> eventsOf(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	private static long keepAliveThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("qtserver-keep-alive") && thread.isAlive())
			.count();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
