package dev.qtserver.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link AnnotatedHandler}: which handler method signatures are accepted, how
 * invalid ones are reported, and how methods are invoked.
 */
class AnnotatedHandlerTests {

	private static final TestConnection CONNECTION = new TestConnection("c1");

	static Stream<Arguments> validMessageHandlers() {
		return Stream.of(Arguments.of(new StringToString(), String.class),
				Arguments.of(new BytesAndConnectionToBytes(), byte[].class),
				Arguments.of(new ConnectionAndByteBufferToByteBuffer(), ByteBuffer.class),
				Arguments.of(new StringToVoid(), String.class), Arguments.of(new BytesToString(), byte[].class),
				Arguments.of(new StringToFlux(), String.class), Arguments.of(new ByteBufferToMono(), ByteBuffer.class),
				Arguments.of(new SupertypeConnection(), String.class));
	}

	@ParameterizedTest
	@MethodSource("validMessageHandlers")
	void whenOnMessageSignatureIsSupportedThenHandlerIsAcceptedWithItsPayloadType(Object bean, Class<?> payloadType) {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "valid", TestConnection.class);
		assertThat(handler.payloadType()).isEqualTo(payloadType);
	}

	@Test
	void whenBeanHasOnlyLifecycleAndErrorMethodsThenItIsAcceptedWithoutPayloadType() {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(new LifecycleOnly(), "lifecycle",
				TestConnection.class);
		assertThat(handler.payloadType()).isNull();
		assertThat(handler.handlesError(new IllegalStateException())).isTrue();
		assertThat(handler.handlesError(new AssertionError("an Error is not an Exception"))).isFalse();
		assertThat(handler.message(CONNECTION, "ignored")).isNull();
	}

	static Stream<Arguments> invalidHandlers() {
		return Stream.of(Arguments.of(new Echo(), "Echo.echo(String, int)", "unsupported type int"),
				Arguments.of(new TwoPayloads(), "TwoPayloads.echo(String, byte[])", "more than one payload parameter"),
				Arguments.of(new TwoConnections(), "TwoConnections.echo(TestConnection, String, TestConnection)",
						"more than one connection parameter"),
				Arguments.of(new NoPayload(), "NoPayload.echo(TestConnection)", "takes no payload parameter"),
				Arguments.of(new IntegerReply(), "IntegerReply.echo(String)", "returns java.lang.Integer"),
				Arguments.of(new ConnectReturnsValue(), "ConnectReturnsValue.connected(TestConnection)",
						"returns java.lang.String; it must return void"),
				Arguments.of(new ConnectReturnsMonoOfValue(), "ConnectReturnsMonoOfValue.connected(TestConnection)",
						"must return void, or a Publisher or CompletionStage of Void"),
				Arguments.of(new DisconnectReturnsStageOfValue(),
						"DisconnectReturnsStageOfValue.disconnected(TestConnection)",
						"must return void, or a Publisher or CompletionStage of Void"),
				Arguments.of(new DisconnectTakesPayload(), "DisconnectTakesPayload.disconnected(String)",
						"unsupported type java.lang.String"),
				Arguments.of(new ErrorTakesRuntimeException(), "ErrorTakesRuntimeException.failed(RuntimeException)",
						"unsupported type java.lang.RuntimeException"));
	}

	@ParameterizedTest
	@MethodSource("invalidHandlers")
	void whenSignatureIsInvalidThenExceptionNamesTheMethodAndTheProblem(Object bean, String method, String problem) {
		InvalidHandlerException ex = catchThrowableOfType(InvalidHandlerException.class,
				() -> AnnotatedHandler.of(bean, "badHandler", TestConnection.class));
		assertThat(ex).isNotNull();
		assertThat(ex.getHandlerName()).isEqualTo("badHandler");
		assertThat(ex.getMessage()).contains(method).contains(problem).contains("'badHandler'");
	}

	@Test
	void whenTwoOnMessageMethodsThenExceptionNamesBoth() {
		assertThatExceptionOfType(InvalidHandlerException.class)
			.isThrownBy(() -> AnnotatedHandler.of(new TwoOnMessage(), "twice", TestConnection.class))
			.withMessageContaining("TwoOnMessage.first(String)")
			.withMessageContaining("TwoOnMessage.second(String)")
			.withMessageContaining("2 @OnMessage methods");
	}

	@Test
	void whenBeanHasNoHandlerMethodThenItIsRejected() {
		assertThatExceptionOfType(InvalidHandlerException.class)
			.isThrownBy(() -> AnnotatedHandler.of(new NoHandlerMethods(), "empty", TestConnection.class))
			.withMessageContaining("'empty'")
			.withMessageContaining(NoHandlerMethods.class.getName())
			.satisfies((ex) -> assertThat(ex.getHandlerName()).isEqualTo("empty"));
	}

	@Test
	void whenPayloadComesFirstThenInvocationPassesPayloadThenConnection() {
		Recording bean = new Recording();
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "recording", TestConnection.class);
		Object reply = handler.message(CONNECTION, "hello");
		assertThat(reply).isEqualTo("reply to hello");
		assertThat(bean.calls).containsExactly(List.of("message", "hello", CONNECTION));
	}

	@Test
	void whenConnectionComesFirstThenInvocationPassesConnectionThenPayload() {
		ConnectionAndByteBufferToByteBuffer bean = new ConnectionAndByteBufferToByteBuffer();
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "reversed", TestConnection.class);
		ByteBuffer payload = ByteBuffer.wrap(new byte[] { 1, 2, 3 });
		assertThat(handler.message(CONNECTION, payload)).isSameAs(payload);
		assertThat(bean.connection).isSameAs(CONNECTION);
	}

	@Test
	void whenTheMethodReturnsVoidThenTheCallRepliesNothing() {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(new StringToVoid(), "void",
				TestConnection.class);
		assertThat(handler.message(CONNECTION, "hello")).isNull();
	}

	@Test
	void whenTheMethodIsStaticThenItIsCalledWithItsOwnParametersOnly() {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(new StaticEcho(), "static",
				TestConnection.class);
		assertThat(handler.message(CONNECTION, "hello")).isEqualTo("c1: hello");
	}

	@Test
	void whenThePayloadIsAVarargsParameterThenItGetsThePayloadArrayItself() {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(new VarargsEcho(), "varargs",
				TestConnection.class);
		byte[] payload = { 1, 2, 3 };
		assertThat(handler.message(CONNECTION, payload)).isSameAs(payload);
	}

	@Test
	void whenTheBeanIsAClassProxyThenEachCallGoesThroughItsAdvice() {
		ProxyFactory factory = new ProxyFactory(new PublicEcho());
		factory.setProxyTargetClass(true);
		List<String> advised = new ArrayList<>();
		factory.addAdvice((MethodInterceptor) (invocation) -> {
			advised.add(invocation.getMethod().getName() + invocation.getArguments()[0]);
			return "advised " + invocation.proceed();
		});
		Object proxy = factory.getProxy();
		assertThat(AopUtils.isCglibProxy(proxy)).isTrue();
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(proxy, "proxied", TestConnection.class);
		assertThat(handler.message(CONNECTION, "one")).isEqualTo("advised one");
		assertThat(handler.message(CONNECTION, "two")).isEqualTo("advised two");
		assertThat(advised).containsExactly("echoone", "echotwo");
	}

	@Test
	void lifecycleAndErrorMethodsReceiveTheConnectionAndErrorInTheirPositions() {
		Recording bean = new Recording();
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "recording", TestConnection.class);
		IllegalStateException error = new IllegalStateException("boom");
		handler.connected(CONNECTION);
		Object reply = handler.error(CONNECTION, error);
		handler.disconnected(CONNECTION);
		assertThat(reply).isEqualTo("error: boom");
		assertThat(bean.calls).containsExactly(List.of("connected", CONNECTION), List.of("error", error, CONNECTION),
				List.of("disconnected", CONNECTION));
	}

	@Test
	void whenHandlerMethodThrowsCheckedExceptionThenItIsWrappedInHandlerMethodException() {
		Throwing bean = new Throwing(new IOException("disk on fire"));
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "throwing", TestConnection.class);
		assertThatExceptionOfType(HandlerMethodException.class).isThrownBy(() -> handler.message(CONNECTION, "x"))
			.withMessageContaining("Throwing.handle(String)")
			.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(bean.toThrow));
	}

	@Test
	void whenHandlerMethodThrowsUncheckedExceptionThenItPassesThroughUnchanged() {
		Throwing bean = new Throwing(new IllegalArgumentException("bad input"));
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "throwing", TestConnection.class);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> handler.message(CONNECTION, "x"))
			.isSameAs(bean.toThrow);
	}

	@Test
	void whenHandlerMethodThrowsErrorThenItPassesThroughUnchanged() {
		Throwing bean = new Throwing(new OutOfMemoryError("simulated"));
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(bean, "throwing", TestConnection.class);
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(() -> handler.message(CONNECTION, "x"))
			.isSameAs(bean.toThrow);
	}

	@Test
	void whenBeanHasNoOnErrorThenErrorsAreNotHandledAndErrorReturnsNothing() {
		AnnotatedHandler<TestConnection> handler = AnnotatedHandler.of(new StringToString(), "echo",
				TestConnection.class);
		assertThat(handler.handlesError(new IllegalStateException())).isFalse();
		assertThat(handler.error(CONNECTION, new IllegalStateException())).isNull();
	}

	/** A connection type of our own: the handler machinery is generic over it. */
	interface Peer {

	}

	record TestConnection(String name) implements Peer {

	}

	static class StringToString {

		@OnMessage
		String echo(String message) {
			return message;
		}

	}

	static class BytesAndConnectionToBytes {

		@OnMessage
		byte[] echo(byte[] message, TestConnection connection) {
			return message;
		}

	}

	static class ConnectionAndByteBufferToByteBuffer {

		TestConnection connection;

		@OnMessage
		ByteBuffer echo(TestConnection connection, ByteBuffer message) {
			this.connection = connection;
			return message;
		}

	}

	/** Static too, so that no bean is bound to its handle. */
	static class VarargsEcho {

		@OnMessage
		static byte[] echo(byte... payload) {
			return payload;
		}

	}

	/** Static: there is no receiver to bind the bean to. */
	static class StaticEcho {

		@OnMessage
		static String echo(Peer connection, String message) {
			return ((TestConnection) connection).name() + ": " + message;
		}

	}

	/** Public, as a class proxy overrides only what it can see. */
	public static class PublicEcho {

		@OnMessage
		public String echo(String message) {
			return message;
		}

	}

	static class StringToVoid {

		@OnMessage
		void consume(String message) {
		}

	}

	static class BytesToString {

		@OnMessage
		String describe(byte[] message) {
			return message.length + " bytes";
		}

	}

	static class StringToFlux {

		@OnMessage
		Flux<String> split(String message) {
			return Flux.fromArray(message.split(","));
		}

	}

	static class ByteBufferToMono {

		@OnMessage
		Mono<ByteBuffer> echo(ByteBuffer message) {
			return Mono.just(message);
		}

	}

	static class SupertypeConnection {

		@OnMessage
		String echo(String message, Peer peer) {
			return message;
		}

	}

	static class LifecycleOnly {

		@OnConnect
		void connected() {
		}

		@OnDisconnect
		void disconnected(TestConnection connection) {
		}

		@OnError
		void failed(Exception error) {
		}

	}

	static class Recording {

		final List<List<Object>> calls = new ArrayList<>();

		@OnConnect
		void connected(TestConnection connection) {
			this.calls.add(List.of("connected", connection));
		}

		@OnMessage
		String message(String payload, TestConnection connection) {
			this.calls.add(List.of("message", payload, connection));
			return "reply to " + payload;
		}

		@OnError
		String error(Throwable error, TestConnection connection) {
			this.calls.add(List.of("error", error, connection));
			return "error: " + error.getMessage();
		}

		@OnDisconnect
		void disconnected(TestConnection connection) {
			this.calls.add(List.of("disconnected", connection));
		}

	}

	static class Throwing {

		final Throwable toThrow;

		Throwing(Throwable toThrow) {
			this.toThrow = toThrow;
		}

		@OnMessage
		String handle(String message) throws Throwable {
			throw this.toThrow;
		}

	}

	static class Echo {

		@OnMessage
		String echo(String message, int times) {
			return message.repeat(times);
		}

	}

	static class TwoPayloads {

		@OnMessage
		String echo(String text, byte[] bytes) {
			return text;
		}

	}

	static class TwoConnections {

		@OnMessage
		String echo(TestConnection first, String message, TestConnection second) {
			return message;
		}

	}

	static class NoPayload {

		@OnMessage
		String echo(TestConnection connection) {
			return "hello";
		}

	}

	static class IntegerReply {

		@OnMessage
		Integer echo(String message) {
			return message.length();
		}

	}

	static class ConnectReturnsMonoOfValue {

		@OnConnect
		Mono<String> connected(TestConnection connection) {
			return Mono.just("welcome");
		}

	}

	static class DisconnectReturnsStageOfValue {

		@OnDisconnect
		CompletionStage<String> disconnected(TestConnection connection) {
			return CompletableFuture.completedFuture("bye");
		}

	}

	static class ConnectReturnsValue {

		@OnConnect
		String connected(TestConnection connection) {
			return "welcome";
		}

	}

	static class DisconnectTakesPayload {

		@OnDisconnect
		void disconnected(String lastWords) {
		}

	}

	static class ErrorTakesRuntimeException {

		@OnError
		void failed(RuntimeException error) {
		}

	}

	static class TwoOnMessage {

		@OnMessage
		String first(String message) {
			return message;
		}

		@OnMessage
		String second(String message) {
			return message;
		}

	}

	static class NoHandlerMethods {

		String echo(String message) {
			return message;
		}

	}

}
