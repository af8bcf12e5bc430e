package dev.qtserver.http;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A text response keeps its body as text until it is written or asked for as bytes: what
 * goes to the socket must be the bytes {@code body()} would have given, and bytes asked
 * for (and changed in place) are what is written from then on.
 */
class QHttpServerResponseTests {

	private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

	@ParameterizedTest
	@ValueSource(strings = { "", "a", "Hello, World!", "h\u00e9llo", "\u20ac", "caf\u00e9 \u20ac \ud83d\ude00 end",
			"\ud83d\ude00", "unpaired \ud83d end", "unpaired \ude00 end", "trailing \ud83d" })
	void whenATextBodyIsWrittenThenItsBytesAreThoseOfUtf8(String text) {
		byte[] expected = text.getBytes(StandardCharsets.UTF_8);
		QHttpServerResponse response = QHttpServerResponse.text(text);
		assertThat(response.bodyLength()).isEqualTo(expected.length);
		assertThat(written(response)).isEqualTo(expected);
		assertThat(response.body()).isEqualTo(expected);
		assertThat(written(response)).isEqualTo(expected);
	}

	@Test
	void whenATextBodyIsManyBuffersLongThenItIsWrittenWhole() {
		String text = "\u00e9\u20ac\ud83d\ude00x".repeat(100_000);
		QHttpServerResponse response = QHttpServerResponse.text(text);
		assertThat(written(response)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void whenTheBytesOfATextBodyAreChangedInPlaceThenTheChangeIsWritten() {
		QHttpServerResponse response = QHttpServerResponse.text("hello");
		response.body()[0] = 'j';
		assertThat(written(response)).isEqualTo("jello".getBytes(StandardCharsets.UTF_8));
		assertThat(response.bodyLength()).isEqualTo(5);
	}

	@Test
	void whenATextBodyIsReplacedThenTheNewBodyIsWritten() {
		QHttpServerResponse response = QHttpServerResponse.text("hello");
		response.setBody(new byte[] { 1, 2, 3 });
		assertThat(written(response)).containsExactly(1, 2, 3);
		assertThat(response.bodyLength()).isEqualTo(3);
		assertThat(response).hasToString("QHttpServerResponse[200, 3 bytes]");
	}

	@Test
	void whenABodyIsEmptyThenNothingIsAllocated() {
		// a zero-capacity buffer from the allocator would still be an allocation
		assertThat(QHttpServerResponse.text("").encodeBody(this.allocator)).isSameAs(Unpooled.EMPTY_BUFFER);
		assertThat(QHttpServerResponse.status(204).encodeBody(this.allocator)).isSameAs(Unpooled.EMPTY_BUFFER);
		assertThat(QHttpServerResponse.status(204).body()).isEmpty();
	}

	@Test
	void whenATextBodyIsNullThenTheResponseIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> QHttpServerResponse.text(null));
	}

	@Test
	void whenAContentTypeHasALineBreakThenTheResponseIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new QHttpServerResponse(200, "text/plain\r\nX-Injected: 1", new byte[0]));
	}

	private byte[] written(QHttpServerResponse response) {
		ByteBuf body = response.encodeBody(this.allocator);
		try {
			return ByteBufUtil.getBytes(body);
		}
		finally {
			body.release();
		}
	}

}
