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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Outbox} writes what was added in order and flushes once per
 * {@link Outbox#flush()}, in one task on the channel's event loop, and fails and releases
 * what cannot be written.
 */
class OutboxTests {

	private final Recorder recorder = new Recorder();

	private final EmbeddedChannel channel = new EmbeddedChannel(this.recorder);

	private final List<ByteBuf> allocated = new ArrayList<>();

	/** The writes the outbox handed to its writer, in order. */
	private final List<ChannelFuture> writes = new ArrayList<>();

	@AfterEach
	void tearDown() {
		this.channel.finishAndReleaseAll();
		for (ByteBuf buffer : this.allocated) {
			assertThat(buffer.refCnt()).as("buffer %s", buffer).isZero();
		}
	}

	/**
	 * An outbox whose writer writes with a promise and records it, as a channel would.
	 */
	private Outbox outbox() {
		return new Outbox(this.channel, (message, written) -> {
			ChannelFuture future = this.channel.write(message);
			this.writes.add(future);
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
	void whenSeveralMessagesAreAddedThenTheyAreWrittenInOrderAndFlushedOnce() {
		Outbox outbox = outbox();
		outbox.add(buffer("one"), null);
		outbox.add(buffer("two"), null);
		outbox.add(buffer("three"), null);
		outbox.flush();
		this.channel.runPendingTasks();
		assertThat(this.recorder.events).containsExactly("write one", "write two", "write three", "flush");
		assertThat(readOutbound()).containsExactly("one", "two", "three");
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
		assertThat(this.recorder.events).containsExactly("write first", "flush", "write second", "write third",
				"flush");
		assertThat(readOutbound()).containsExactly("first", "second", "third");
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
		outbox.add(buffer("first"), null);
		outbox.add(buffer("second"), null);
		outbox.flush();
		this.channel.pipeline().close();
		this.channel.runPendingTasks();
		assertThat(this.writes).hasSize(2).noneSatisfy((write) -> assertThat(write.isSuccess()).isTrue());
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
			loop.register(registered).sync();
			// what a worker sees when the server's event loops are already gone
			loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
			Outbox outbox = new Outbox(registered, (unwritten, future) -> {
				throw new AssertionError("nothing reaches the writer of a refused batch");
			});
			ByteBuf message = buffer("refused");
			CompletableFuture<Void> written = new CompletableFuture<>();
			outbox.add(message, written);
			outbox.flush();
			assertThat(written).failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(RejectedExecutionException.class);
			assertThat(message.refCnt()).isZero();
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
