package dev.qtserver.core;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Outbox} writes what was added in order and flushes once per
 * {@link Outbox#flush()}, in one task on the channel's event loop, small buffers nobody
 * waits for copied into one, and fails and releases what cannot be written.
 */
class OutboxTests {

	private final Recorder recorder = new Recorder();

	private final EmbeddedChannel channel = new EmbeddedChannel(this.recorder);

	private final List<ByteBuf> allocated = new ArrayList<>();

	/** Makes the buffers the outbox copies replies into, and keeps them for the check. */
	private final RecordingAllocator allocator = new RecordingAllocator();

	/** The writes the outbox handed to its writer, in order. */
	private final List<ChannelFuture> writes = new ArrayList<>();

	/** How many messages each write held, as the outbox told its writer. */
	private final List<Integer> counts = new ArrayList<>();

	@BeforeEach
	void useRecordingAllocator() {
		this.channel.config().setAllocator(this.allocator);
	}

	@AfterEach
	void tearDown() {
		this.channel.finishAndReleaseAll();
		for (ByteBuf buffer : this.allocated) {
			assertThat(buffer.refCnt()).as("buffer %s", buffer).isZero();
		}
		for (ByteBuf buffer : this.allocator.made) {
			assertThat(buffer.refCnt()).as("shared buffer %s", buffer).isZero();
		}
	}

	/**
	 * An outbox whose writer writes with a promise and records it, as a channel would.
	 */
	private Outbox outbox() {
		return new Outbox(this.channel, (message, messages, written) -> {
			ChannelFuture future = this.channel.write(message);
			this.writes.add(future);
			this.counts.add(messages);
			if (written != null) {
				future.addListener((done) -> {
					if (done.isSuccess()) {
						written.complete(null);
					}
					else {
						written.completeExceptionally(done.cause());
					}
				});
			}
		});
	}

	@Test
	void whenFlushedThenNothingIsWrittenUntilTheEventLoopRunsTheTask() {
		Outbox outbox = outbox();
		outbox.add(buffer("a"), null);
		outbox.flush();
		assertThat(this.recorder.events).isEmpty();
		assertThat(this.channel.hasPendingTasks()).isTrue();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).containsExactly("write a", "flush");
		assertThat(readOutbound()).containsExactly("a");
	}

	@Test
	void whenSeveralSmallMessagesAreAddedThenTheyAreWrittenInOrderInOneBufferAndFlushedOnce() {
		Outbox outbox = outbox();
		outbox.add(buffer("one"), null);
		outbox.add(buffer("two"), null);
		outbox.add(buffer("three"), null);
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).containsExactly("write onetwothree", "flush");
		assertThat(this.counts).containsExactly(3);
		assertThat(readOutbound()).containsExactly("onetwothree");
		assertThat(this.allocator.made).hasSize(1);
	}

	@Test
	void whenAMessageIsLargerThanWhatIsCopiedThenItIsWrittenOnItsOwnBetweenTheSmallOnes() {
		Outbox outbox = outbox();
		String large = "L".repeat(Outbox.MAX_COPIED + 1);
		String largest = "C".repeat(Outbox.MAX_COPIED);
		outbox.add(buffer("a"), null);
		outbox.add(buffer("b"), null);
		outbox.add(buffer(large), null);
		outbox.add(buffer(largest), null);
		outbox.add(buffer("c"), null);
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).containsExactly("write ab", "write " + large, "write " + largest + "c",
				"flush");
		assertThat(this.counts).containsExactly(2, 1, 2);
		assertThat(readOutbound()).containsExactly("ab", large, largest + "c");
	}

	@Test
	void whenTheSharedBufferIsFullThenTheNextMessageStartsAnother() {
		int fitting = Outbox.MAX_SHARED / Outbox.MAX_COPIED;
		for (int extra : new int[] { -1, 0, 1 }) {
			Outbox outbox = outbox();
			StringBuilder sent = new StringBuilder();
			for (int i = 0; i < fitting + extra; i++) {
				String message = String.valueOf((char) ('a' + i % 26)).repeat(Outbox.MAX_COPIED);
				sent.append(message);
				outbox.add(buffer(message), null);
			}
			outbox.flush();
			this.channel.runPendingTasks();
			List<String> written = readOutbound();
			assertThat(String.join("", written)).isEqualTo(sent.toString());
			assertThat(written).allSatisfy((buffer) -> assertThat(buffer).hasSizeLessThanOrEqualTo(Outbox.MAX_SHARED));
			assertThat(this.counts).as("%d messages", fitting + extra)
				.containsExactlyElementsOf((extra <= 0) ? List.of(fitting + extra) : List.of(fitting, extra));
			this.counts.clear();
		}
	}

	@Test
	void whenManyMessagesOfRandomSizesAreAddedThenEveryByteIsWrittenInOrderAndEveryMessageCounted() {
		java.util.Random random = new java.util.Random(42);
		Outbox outbox = outbox();
		StringBuilder sent = new StringBuilder();
		List<CompletableFuture<Void>> watched = new ArrayList<>();
		int messages = 3000;
		for (int i = 0; i < messages; i++) {
			int size = 1 + random.nextInt(Outbox.MAX_COPIED + 200);
			String message = String.valueOf((char) ('a' + i % 26)).repeat(size);
			sent.append(message);
			CompletableFuture<Void> written = (random.nextInt(10) == 0) ? new CompletableFuture<>() : null;
			if (written != null) {
				watched.add(written);
			}
			outbox.add(buffer(message), written);
			if (random.nextInt(50) == 0) {
				outbox.flush();
				this.channel.runPendingTasks();
			}
		}
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(String.join("", readOutbound())).isEqualTo(sent.toString());
		assertThat(this.counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(messages);
		assertThat(this.counts.size()).isLessThan(messages / 2);
		assertThat(watched).allSatisfy((written) -> assertThat(written).isCompleted());
	}

	@Test
	void whenNothingWasAddedThenFlushDoesNotBotherTheEventLoop() {
		Outbox outbox = outbox();
		outbox.flush();
		assertThat(this.channel.hasPendingTasks()).isFalse();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).isEmpty();
	}

	@Test
	void whenFlushedAgainThenOnlyWhatWasAddedSinceTheLastFlushIsWrittenAndFlushed() {
		Outbox outbox = outbox();
		outbox.add(buffer("first"), null);
		outbox.flush();
		this.channel.runPendingTasks();
		outbox.add(buffer("second"), null);
		outbox.add(buffer("third"), null);
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).containsExactly("write first", "flush", "write secondthird", "flush");
		assertThat(readOutbound()).containsExactly("first", "secondthird");
	}

	@Test
	void whenSeveralFlushesWaitForTheEventLoopThenEachIsOneTaskAndOrderIsKept() {
		Outbox outbox = outbox();
		outbox.add(buffer("first"), null);
		outbox.flush();
		outbox.add(buffer("second"), null);
		outbox.flush();
		outbox.flush();
		this.channel.runPendingTasks();
		// EmbeddedChannel runs queued tasks inside a write, so only the totals are
		// compared here
		assertThat(this.recorder.events).filteredOn("flush"::equals).hasSize(2);
		assertThat(readOutbound()).containsExactly("first", "second");
	}

	@Test
	void whenAddedButNotFlushedThenNothingIsWritten() {
		Outbox outbox = outbox();
		outbox.add(buffer("held"), null);
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).isEmpty();
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(readOutbound()).containsExactly("held");
	}

	@Test
	void whenWrittenThenTheFuturesCompleteAndNotBefore() {
		Outbox outbox = outbox();
		CompletableFuture<Void> first = new CompletableFuture<>();
		CompletableFuture<Void> second = new CompletableFuture<>();
		outbox.add(buffer("first"), first);
		outbox.add(buffer("unwatched"), null);
		outbox.add(buffer("second"), second);
		outbox.flush();
		assertThat(first).isNotDone();
		assertThat(second).isNotDone();
		this.channel.runPendingTasks();
		assertThat(first).isCompleted();
		assertThat(second).isCompleted();
		assertThat(readOutbound()).containsExactly("first", "unwatched", "second");
	}

	@Test
	void whenMessagesAreWrittenThenTheWriterGetsEachInOrderWithItsFuture() {
		Outbox outbox = outbox();
		CompletableFuture<Void> watched = new CompletableFuture<>();
		List<Integer> toldBeforeCompletion = new ArrayList<>();
		watched.whenComplete((done, ex) -> toldBeforeCompletion.add(this.writes.size()));
		outbox.add(buffer("unwatched"), null);
		outbox.add(buffer("watched"), watched);
		outbox.flush();
		assertThat(this.writes).isEmpty();
		this.channel.runPendingTasks();
		assertThat(this.writes).hasSize(2).allSatisfy((write) -> assertThat(write.isSuccess()).isTrue());
		assertThat(toldBeforeCompletion).containsExactly(2);
		assertThat(readOutbound()).containsExactly("unwatched", "watched");
	}

	@Test
	void whenTheChannelClosesBetweenTheFlushAndTheWriteThenTheWriterStillGetsEachMessage() {
		Outbox outbox = outbox();
		CompletableFuture<Void> watched = new CompletableFuture<>();
		outbox.add(buffer("first"), null);
		outbox.add(buffer("second"), null);
		outbox.add(buffer("third"), watched);
		outbox.flush();
		this.channel.pipeline().close();
		this.channel.runPendingTasks();
		assertThat(this.writes).hasSize(2).noneSatisfy((write) -> assertThat(write.isSuccess()).isTrue());
		assertThat(this.counts).containsExactly(2, 1);
		assertThat(watched).isCompletedExceptionally();
	}

	@Test
	void whenTheChannelClosedBeforeTheFlushThenTheFuturesFailAndTheBuffersAreReleased() {
		Outbox outbox = outbox();
		ByteBuf message = buffer("late");
		CompletableFuture<Void> written = new CompletableFuture<>();
		this.channel.close();
		outbox.add(message, written);
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(written).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(ClosedChannelException.class);
		assertThat(message.refCnt()).isZero();
	}

	@Test
	void whenTheChannelClosesBetweenTheFlushAndTheWriteThenTheFuturesFailAndTheBuffersAreReleased() {
		Outbox outbox = outbox();
		ByteBuf first = buffer("first");
		ByteBuf second = buffer("second");
		CompletableFuture<Void> firstWritten = new CompletableFuture<>();
		CompletableFuture<Void> secondWritten = new CompletableFuture<>();
		outbox.add(first, firstWritten);
		outbox.add(second, secondWritten);
		outbox.flush();
		// through the pipeline: EmbeddedChannel.close() would first run the queued write
		this.channel.pipeline().close();
		this.channel.runPendingTasks();
		assertThat(firstWritten).isCompletedExceptionally();
		assertThat(secondWritten).isCompletedExceptionally();
		assertThat(first.refCnt()).isZero();
		assertThat(second.refCnt()).isZero();
	}

	@Test
	void whenTheEventLoopRefusesTheTaskThenTheFuturesFailAndTheBuffersAreReleased() throws Exception {
		DefaultEventLoop loop = new DefaultEventLoop();
		LocalChannel registered = new LocalChannel();
		try {
			registered.config().setAllocator(this.allocator);
			loop.register(registered).sync();
			// what a worker sees when the server's event loops are already gone
			loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
			Outbox outbox = new Outbox(registered, (unwritten, messages, future) -> {
				throw new AssertionError("nothing reaches the writer of a refused batch");
			});
			ByteBuf message = buffer("refused");
			CompletableFuture<Void> written = new CompletableFuture<>();
			outbox.add(buffer("unwatched"), null);
			outbox.add(buffer("copied"), null);
			outbox.add(message, written);
			outbox.flush();
			assertThat(written).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(RejectedExecutionException.class);
			assertThat(message.refCnt()).isZero();
			assertThat(this.allocator.made).as("the buffer the two unwatched ones were copied into")
				.singleElement()
				.satisfies((shared) -> assertThat(shared.refCnt()).isZero());
		}
		finally {
			loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		}
	}

	private ByteBuf buffer(String text) {
		ByteBuf buffer = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		this.allocated.add(buffer);
		return buffer;
	}

	private List<String> readOutbound() {
		List<String> written = new ArrayList<>();
		ByteBuf buffer;
		while ((buffer = this.channel.readOutbound()) != null) {
			written.add(buffer.toString(StandardCharsets.UTF_8));
			buffer.release();
		}
		return written;
	}

	/**
	 * An allocator that keeps every buffer it makes.
	 */
	private static final class RecordingAllocator extends AbstractByteBufAllocator {

		private final List<ByteBuf> made = new ArrayList<>();

		RecordingAllocator() {
			super(true);
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return record(Unpooled.directBuffer(initialCapacity, maxCapacity));
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return record(Unpooled.buffer(initialCapacity, maxCapacity));
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

		private ByteBuf record(ByteBuf buffer) {
			this.made.add(buffer);
			return buffer;
		}

	}

	/**
	 * Records each write and flush that reaches the channel, in order.
	 */
	private static final class Recorder extends ChannelOutboundHandlerAdapter {

		private final List<String> events = new ArrayList<>();

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			this.events.add("write " + ((ByteBuf) msg).toString(StandardCharsets.UTF_8));
			ctx.write(msg, promise);
		}

		@Override
		public void flush(ChannelHandlerContext ctx) {
			this.events.add("flush");
			ctx.flush();
		}

	}

}
