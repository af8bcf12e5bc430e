package dev.qtserver.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TcpFrameCodec}: replies framed as the settings say, and a reply too
 * long for its length field refused without leaking a buffer (the leak detector runs on
 * paranoid).
 */
class TcpFrameCodecTests {

	@Test
	void whenAReplyIsTooLongForTheLengthFieldThenItIsRefusedBeforeAnyBufferIsTaken() {
		TcpFrameCodec codec = new TcpFrameCodec(
				TcpServerSettings.builder().framing(TcpFraming.LENGTH_FIELD).lengthFieldLength(1).build());
		assertThatIllegalArgumentException().isThrownBy(() -> codec.encode(ByteBufAllocator.DEFAULT, "x".repeat(256)))
			.withMessageContaining("256 bytes");
		ByteBuf fits = codec.encode(ByteBufAllocator.DEFAULT, "x".repeat(255));
		try {
			assertThat(fits.readUnsignedByte()).isEqualTo((short) 255);
			assertThat(fits.readableBytes()).isEqualTo(255);
		}
		finally {
			fits.release();
		}
	}

	@Test
	void whenFramingIsLineThenTextRepliesEndWithANewline() {
		TcpFrameCodec codec = new TcpFrameCodec(TcpServerSettings.builder().build());
		ByteBuf line = codec.encode(ByteBufAllocator.DEFAULT, "héllo");
		try {
			assertThat(line.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("héllo\n");
		}
		finally {
			line.release();
		}
	}

}
