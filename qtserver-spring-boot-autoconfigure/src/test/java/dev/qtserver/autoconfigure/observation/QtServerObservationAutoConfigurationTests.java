package dev.qtserver.autoconfigure.observation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.qtserver.actuate.QtServerMeterBinder;
import dev.qtserver.autoconfigure.QtServerAutoConfiguration;
import dev.qtserver.autoconfigure.actuate.QtServerMetricsAutoConfiguration;
import dev.qtserver.autoconfigure.http.HttpServerAutoConfiguration;
import dev.qtserver.autoconfigure.tcp.TcpServerAutoConfiguration;
import dev.qtserver.autoconfigure.websocket.WebSocketServerAutoConfiguration;
import dev.qtserver.context.QtServerPortInfoApplicationContextInitializer;
import dev.qtserver.core.HandlerCall;
import dev.qtserver.core.HandlerCallObserver;
import dev.qtserver.handler.OnConnect;
import dev.qtserver.handler.OnDisconnect;
import dev.qtserver.handler.OnMessage;
import dev.qtserver.handler.QtHandler;
import dev.qtserver.http.HttpRequestObservations;
import dev.qtserver.http.QHttpServer;
import dev.qtserver.http.Route;
import dev.qtserver.observation.DefaultHandlerCallObservationConvention;
import dev.qtserver.observation.DefaultHttpServerRequestObservationConvention;
import dev.qtserver.observation.HttpServerRequestObservationContext;
import dev.qtserver.observation.HttpServerRequestObservationConvention;
import dev.qtserver.observation.QtServerObservationBinder;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;
import dev.qtserver.test.HttpReplies;
import dev.qtserver.test.RecordingObservationHandler;
import dev.qtserver.websocket.QWebSocket;
import dev.qtserver.websocket.QWebSocketServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationRegistryCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QtServerObservationAutoConfiguration}: which servers are observed,
 * when, with what, and what real TCP, WebSocket and HTTP clients leave behind.
 */
class QtServerObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QtServerAutoConfiguration.class, TcpServerAutoConfiguration.class,
				WebSocketServerAutoConfiguration.class, HttpServerAutoConfiguration.class,
				QtServerMetricsAutoConfiguration.class, QtServerObservationAutoConfiguration.class))
		.withInitializer(new QtServerPortInfoApplicationContextInitializer())
		.withPropertyValues("qtserver.tcp.echo.address=127.0.0.1", "qtserver.websocket.chat.address=127.0.0.1",
				"qtserver.websocket.chat.path=/chat", "qtserver.http.web.address=127.0.0.1")
		.withBean(TcpEcho.class)
		.withBean(WebSocketEcho.class)
		.withBean(Routes.class);

	/**
	 * What Spring Boot's actuator brings: a meter registry, its meter observation
	 * handler, a registry.
	 */
	private static final AutoConfigurations BOOT_METRICS_AND_OBSERVATIONS = AutoConfigurations.of(
			MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void whenThereIsNoObservationRegistryThenNoServerIsObserved() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(QtServerObservationBinder.class);
			assertThat(context.getBean(QTcpServer.class).handlerCallObserver()).isNull();
			assertThat(context.getBean(QHttpServer.class).requestObservations()).isNull();
			assertThat(send(context, "/hello").body()).isEqualTo("hello");
		});
	}

	@Test
	void whenThereIsAnObservationRegistryThenEveryServerIsObserved() {
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create).run((context) -> {
			HandlerCallObserver observer = context.getBean(HandlerCallObserver.class);
			assertThat(context.getBean(QTcpServer.class).handlerCallObserver()).isSameAs(observer);
			assertThat(context.getBean(QWebSocketServer.class).handlerCallObserver()).isSameAs(observer);
			QHttpServer http = context.getBean(QHttpServer.class);
			assertThat(http.handlerCallObserver()).isSameAs(observer);
			assertThat(http.requestObservations()).isSameAs(context.getBean(HttpRequestObservations.class));
		});
	}

	@Test
	void whenTheRegistryIsANoopThenNoServerIsObserved() {
		this.runner.withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(QTcpServer.class).handlerCallObserver()).isNull();
			assertThat(context.getBean(QHttpServer.class).requestObservations()).isNull();
			assertThat(context.getBeanProvider(HttpRequestObservations.class).getIfAvailable()).isNull();
			assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
		});
	}

	@Test
	void whenTheApplicationHasItsOwnObserversThenOursBackOff() {
		HttpRequestObservations requests = (server, request) -> {
			throw new UnsupportedOperationException("not called in this test");
		};
		this.runner.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.withBean(HttpRequestObservations.class, () -> requests)
			.run((context) -> {
				assertThat(context).hasSingleBean(HttpRequestObservations.class);
				assertThat(context.getBean(QHttpServer.class).requestObservations()).isSameAs(requests);
			});
	}

	@Test
	void whenTheApplicationHasAConventionThenRequestObservationsUseIt() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withBean(ObservationRegistry.class, () -> recorder.registry())
			.withBean(HttpServerRequestObservationConvention.class, CustomConvention::new)
			.run((context) -> {
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
				await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.stopped("custom.requests").isEmpty());
				assertThat(recorder.stopped(DefaultHttpServerRequestObservationConvention.NAME)).isEmpty();
			});
	}

	@Test
	void whenTcpClientsComeAndGoThenConnectAndDisconnectAreObservedButMessagesAreNot() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withBean(ObservationRegistry.class, () -> recorder.registry()).run((context) -> {
			tcpEcho(context, "hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.calls("tcp").contains("disconnect"));
			assertThat(recorder.calls("tcp")).containsExactly("connect", "disconnect");
		});
	}

	@Test
	void whenMessageObservationsAreOnThenEachMessageIsObserved() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withBean(ObservationRegistry.class, () -> recorder.registry())
			.withPropertyValues("qtserver.observations.messages.enabled=true")
			.run((context) -> {
				tcpEcho(context, "hello");
				await().atMost(Duration.ofSeconds(5)).until(() -> recorder.calls("tcp").contains("disconnect"));
				assertThat(recorder.calls("tcp")).containsExactly("connect", "message", "disconnect");
				Observation.Context message = recorder.stopped(DefaultHandlerCallObservationConvention.NAME)
					.stream()
					.filter((call) -> "message".equals(call.getLowCardinalityKeyValue("call").getValue()))
					.findFirst()
					.orElseThrow();
				assertThat(message.getLowCardinalityKeyValue("handler").getValue()).isEqualTo("TcpEcho.echo(String)");
				assertThat(message.getLowCardinalityKeyValue("server").getValue()).isEqualTo("echo");
			});
	}

	@Test
	void whenWebSocketClientsComeAndGoThenConnectAndDisconnectAreObservedButMessagesAreNot() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withBean(ObservationRegistry.class, () -> recorder.registry()).run((context) -> {
			webSocketEcho(port(context, "websocket.chat"), "/chat", "hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> recorder.calls("websocket").contains("disconnect"));
			assertThat(recorder.calls("websocket")).containsExactly("connect", "disconnect");
		});
	}

	@Test
	void whenAWebSocketUpgradesOnTheHttpServerThenItsSessionsCallsAreObservedAsTheHttpServers() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withBean(ObservationRegistry.class, () -> recorder.registry())
			.withBean(UpgradedWebSocket.class)
			.withPropertyValues("qtserver.http.web.websocket.path=/ws", "qtserver.observations.messages.enabled=true")
			.run((context) -> {
				webSocketEcho(port(context, "http.web"), "/ws", "hello");
				await().atMost(Duration.ofSeconds(5)).until(() -> callsOn(recorder, "web").contains("disconnect"));
				assertThat(callsOn(recorder, "web")).containsExactly("connect", "message", "disconnect");
				assertThat(recorder.stopped(DefaultHandlerCallObservationConvention.NAME))
					.filteredOn((call) -> "message".equals(call.getLowCardinalityKeyValue("call").getValue()))
					.singleElement()
					.satisfies((call) -> assertThat(call.getLowCardinalityKeyValue("handler").getValue())
						.isEqualTo("UpgradedWebSocket.echo(String)"));
			});
	}

	/** The kinds of handler calls observed on the server of a name, in order. */
	private static List<String> callsOn(RecordingObservationHandler recorder, String server) {
		return recorder.stopped(DefaultHandlerCallObservationConvention.NAME)
			.stream()
			.filter((context) -> server.equals(context.getLowCardinalityKeyValue("server").getValue()))
			.map((context) -> context.getLowCardinalityKeyValue("call").getValue())
			.toList();
	}

	@Test
	void whenRequestsAreObservedThenTheirTimerComesFromTheObservationAlone() {
		MeterRegistry meters = new SimpleMeterRegistry();
		this.runner.withBean(ObservationRegistry.class, () -> {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return registry;
		}).run((context) -> {
			context.getBean(QtServerMeterBinder.class).bindTo(meters);
			for (int i = 0; i < 3; i++) {
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> meters.find(QtServerMeterBinder.HTTP_REQUESTS)
					.timers()
					.stream()
					.mapToLong(Timer::count)
					.sum() == 3);
			// one timer, with the keys the binder's own timer has
			Timer timer = meters.get(QtServerMeterBinder.HTTP_REQUESTS).timer();
			assertThat(timer.count()).isEqualTo(3);
			assertThat(timer.getId().getTags()).extracting((tag) -> tag.getKey() + "=" + tag.getValue())
				.contains("method=GET", "status=200", "outcome=SUCCESS", "route=/hello", "server=web", "kind=http");
		});
	}

	@Test
	void whenBootSwitchesHandlerCallObservationsOffByPrefixThenOnlyRequestsAreObserved() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withBean(RecordingObservationHandler.class, () -> recorder)
			.withPropertyValues("management.observations.enable.qtserver.handler=false",
					"qtserver.observations.messages.enabled=true")
			.run((context) -> {
				tcpEcho(context, "hello");
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> !recorder.stopped(DefaultHttpServerRequestObservationConvention.NAME).isEmpty());
				assertThat(recorder.stopped(DefaultHandlerCallObservationConvention.NAME)).isEmpty();
			});
	}

	@Test
	void whenBootsMeterHandlerIsTheOnlyHandlerThenRequestsAreTimedWithoutObservations() {
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS).run((context) -> {
			QHttpServer http = context.getBean(QHttpServer.class);
			assertThat(http.requestObservations()).isNull();
			assertThat(context.getBean(HandlerCallObserver.class).observes(HandlerCall.ROUTE)).isFalse();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 3; i++) {
				assertThat(send(context, "/hello").body()).isEqualTo("hello");
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> requestsTimed(meters) == 3);
			// the same timer as an observation would make, with no observation behind it
			Timer timer = meters.get(QtServerMeterBinder.HTTP_REQUESTS).timer();
			assertThat(timer.getId().getTags()).extracting((tag) -> tag.getKey() + "=" + tag.getValue())
				.contains("method=GET", "status=200", "outcome=SUCCESS", "route=/hello", "server=web", "kind=http");
			assertThat(meters.find(QtServerMeterBinder.HTTP_REQUESTS + ".active").meters()).isEmpty();
			assertThat(meters.find(DefaultHandlerCallObservationConvention.NAME).tag("call", "route").meters())
				.isEmpty();
			// connections are still observed: the meter handler times their calls
			tcpEcho(context, "hello");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> !meters.find(DefaultHandlerCallObservationConvention.NAME)
					.tag("call", "disconnect")
					.timers()
					.isEmpty());
		});
	}

	@Test
	void whenAnotherHandlerWouldSeeRequestsThenTheyAreObservedWithTheirRouteCalls() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS)
			.withBean(RecordingObservationHandler.class, () -> recorder)
			.run((context) -> assertRequestsObserved(context, recorder));
	}

	@Test
	void whenRequestsAreAlwaysObservedThenTheMeterHandlerAloneGetsThem() {
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS)
			.withPropertyValues("qtserver.observations.requests.mode=always")
			.run((context) -> {
				assertThat(context.getBean(QHttpServer.class).requestObservations()).isNotNull();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
				await().atMost(Duration.ofSeconds(5)).until(() -> requestsTimed(meters) == 1);
				// Boot's meter handler made it: the long task timer is its
				assertThat(meters.find(QtServerMeterBinder.HTTP_REQUESTS + ".active").longTaskTimers()).hasSize(1);
			});
	}

	@Test
	void whenRequestsAreNeverObservedThenATracingLikeHandlerSeesOnlyConnections() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS)
			.withBean(RecordingObservationHandler.class, () -> recorder)
			.withPropertyValues("qtserver.observations.requests.mode=never")
			.run((context) -> {
				assertThat(context.getBean(QHttpServer.class).requestObservations()).isNull();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
				await().atMost(Duration.ofSeconds(5)).until(() -> requestsTimed(meters) == 1);
				tcpEcho(context, "hello");
				await().atMost(Duration.ofSeconds(5)).until(() -> recorder.calls("tcp").contains("disconnect"));
				assertThat(recorder.stopped(DefaultHttpServerRequestObservationConvention.NAME)).isEmpty();
				assertThat(recorder.calls("http")).isEmpty();
			});
	}

	@Test
	void whenARegistryCustomizerMayAddHandlersThenRequestsAreObserved() {
		RecordingObservationHandler recorder = new RecordingObservationHandler();
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS)
			.withBean(ObservationRegistryCustomizer.class,
					() -> (registry) -> registry.observationConfig().observationHandler(recorder))
			.run((context) -> assertRequestsObserved(context, recorder));
	}

	@Test
	void whenTheApplicationHasARequestConventionThenRequestsAreObserved() {
		this.runner.withConfiguration(BOOT_METRICS_AND_OBSERVATIONS)
			.withBean(HttpServerRequestObservationConvention.class, CustomConvention::new)
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
				await().atMost(Duration.ofSeconds(5)).until(() -> !meters.find("custom.requests").timers().isEmpty());
				assertThat(meters.find(QtServerMeterBinder.HTTP_REQUESTS).meters()).isEmpty();
			});
	}

	private void assertRequestsObserved(ConfigurableApplicationContext context, RecordingObservationHandler recorder)
			throws Exception {
		assertThat(context.getBean(QHttpServer.class).requestObservations()).isNotNull();
		assertThat(send(context, "/hello").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !recorder.stopped(DefaultHttpServerRequestObservationConvention.NAME).isEmpty()
					&& recorder.calls("http").contains("route"));
		// one timer still, made from the observation
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> requestsTimed(meters) == 1);
		assertThat(meters.find(QtServerMeterBinder.HTTP_REQUESTS).timers()).hasSize(1);
	}

	private static long requestsTimed(MeterRegistry meters) {
		return meters.find(QtServerMeterBinder.HTTP_REQUESTS).timers().stream().mapToLong(Timer::count).sum();
	}

	@Test
	void whenMicrometerObservationIsAbsentThenServersWorkUnobserved() {
		// a registry bean, yet its class cannot be loaded by the application
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QtServerObservationBinder.class);
				assertThat(context.getBean(QTcpServer.class).handlerCallObserver()).isNull();
				tcpEcho(context, "hello");
				assertThat(send(context, "/hello").body()).isEqualTo("hello");
			});
	}

	@Test
	void whenMicrometerIsAbsentAltogetherThenServersWorkUnobserved() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.withBean(ObservationRegistry.class, TestObservationRegistry::create)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(QtServerObservationBinder.class);
				assertThat(context).doesNotHaveBean(QtServerMeterBinder.class);
				tcpEcho(context, "hello");
				assertThat(send(context, "/hello").body()).isEqualTo("hello");
			});
	}

	/** Open a session, have one text echoed, and close it normally. */
	private void webSocketEcho(int port, String path, String text) throws Exception {
		CompletableFuture<String> echoed = new CompletableFuture<>();
		WebSocket socket = this.client.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					echoed.complete(data.toString());
					return null;
				}

			})
			.get(5, TimeUnit.SECONDS);
		socket.sendText(text, true).get(5, TimeUnit.SECONDS);
		assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo(text);
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
	}

	private static void tcpEcho(ConfigurableApplicationContext context, String line) throws Exception {
		try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port(context, "tcp.echo"))) {
			socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			assertThat(reader.readLine()).isEqualTo(line);
		}
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context, "http.web") + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return HttpReplies.send(this.client, request, HttpResponse.BodyHandlers.ofString());
	}

	private static int port(ConfigurableApplicationContext context, String server) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.qtserver." + server + ".port", "0"));
	}

	static class CustomConvention implements HttpServerRequestObservationConvention {

		@Override
		public String getName() {
			return "custom.requests";
		}

		@Override
		public String getContextualName(HttpServerRequestObservationContext context) {
			return "custom";
		}

	}

	@QtHandler(server = "echo")
	static class TcpEcho {

		@OnConnect
		void hello(QTcpSocket socket) {
		}

		@OnMessage
		String echo(String line) {
			return line;
		}

		@OnDisconnect
		void bye(QTcpSocket socket) {
		}

	}

	@QtHandler(server = "chat")
	static class WebSocketEcho {

		@OnConnect
		void hello(QWebSocket socket) {
		}

		@OnMessage
		String echo(String text) {
			return text;
		}

		@OnDisconnect
		void bye(QWebSocket socket) {
		}

	}

	@QtHandler(server = "web")
	static class UpgradedWebSocket {

		@OnConnect
		void hello(QWebSocket socket) {
		}

		@OnMessage
		String echo(String text) {
			return text;
		}

		@OnDisconnect
		void bye(QWebSocket socket) {
		}

	}

	@QtHandler(server = "web")
	static class Routes {

		@Route(value = "/hello", methods = "GET")
		String hello() {
			return "hello";
		}

	}

}
