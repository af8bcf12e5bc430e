package dev.qtserver.websocket;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WebSocketMessageAggregator} hands whole messages on as they came and joins
 * fragmented ones, as Netty's aggregator does.
 */
class WebSocketMessageAggregatorTests {

	private final EmbeddedChannel channel = new EmbeddedChannel(new WebSocketMessageAggregator(16));

	@AfterEach
	void tearDown() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void whenMessagesComeWholeThenTheSameFramesArePassedOnInOrder() {
		TextWebSocketFrame text = new TextWebSocketFrame("hello");
		BinaryWebSocketFrame binary = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1, 2 }));
		this.channel.writeInbound(text, binary);
		assertThat((Object) this.channel.readInbound()).isSameAs(text);
		assertThat((Object) this.channel.readInbound()).isSameAs(binary);
		assertThat(text.refCnt()).isOne();
	}

	@Test
	void whenAMessageComesInFragmentsThenOneWholeMessageIsPassedOnAndControlFramesGoFirst() {
		PingWebSocketFrame ping = new PingWebSocketFrame();
		this.channel.writeInbound(new TextWebSocketFrame(false, 0, "he"), ping,
				new ContinuationWebSocketFrame(false, 0, "ll"), new ContinuationWebSocketFrame(true, 0, "o"));
		assertThat((Object) this.channel.readInbound()).isSameAs(ping);
		WebSocketFrame joined = this.channel.readInbound();
		assertThat(joined).isInstanceOf(TextWebSocketFrame.class);
		assertThat(joined.isFinalFragment()).isTrue();
		assertThat(joined.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
		joined.release();
		ping.release();
	}

	@Test
	void whenFragmentsAddUpToMoreThanTheLimitThenTheMessageIsRefused() {
		assertThatExceptionOfType(TooLongFrameException.class)
			.isThrownBy(() -> this.channel.writeInbound(new TextWebSocketFrame(false, 0, "0123456789"),
					new ContinuationWebSocketFrame(true, 0, "0123456789")));
	}

}
