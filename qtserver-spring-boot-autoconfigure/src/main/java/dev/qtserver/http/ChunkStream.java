package dev.qtserver.http;

import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.netty.NettyPipeline;

/**
 * The body of a chunked response, from the thread that writes chunks to Reactor Netty,
 * which takes them as the connection can send them. A writer that may block waits while a
 * chunk it wrote has not been taken yet or the connection is not writable, so a slow
 * client holds back the writer instead of filling the heap.
 */
final class ChunkStream {

	private static final String WATCHER = "qtserver.chunkWritability";

	private final Channel channel;

	private final Sinks.Many<byte[]> sink = Sinks.many().unicast().onBackpressureBuffer();

	private final Object monitor = new Object();

	private long untaken;

	private volatile boolean cancelled;

	private volatile Map<String, String> trailers = Map.of();

	ChunkStream(Channel channel) {
		this.channel = channel;
	}

	Flux<ByteBuf> flux() {
		return this.sink.asFlux().doOnNext(this::taken).map(Unpooled::wrappedBuffer);
	}

	Map<String, String> trailers() {
		return this.trailers;
	}

	void emit(byte[] chunk, boolean mayWait) {
		if (this.cancelled) {
			return;
		}
		synchronized (this.monitor) {
			this.untaken += chunk.length;
		}
		this.sink.tryEmitNext(chunk);
		if (mayWait) {
			awaitRoom();
		}
	}

	void end(Map<String, String> trailers) {
		this.trailers = Map.copyOf(trailers);
		this.sink.tryEmitComplete();
	}

	void cancel() {
		this.cancelled = true;
		wake();
	}

	private void taken(byte[] chunk) {
		synchronized (this.monitor) {
			this.untaken -= chunk.length;
		}
		wake();
	}

	private void awaitRoom() {
		WritabilityWatcher watcher = null;
		try {
			synchronized (this.monitor) {
				while (!this.cancelled && this.channel.isActive() && (this.untaken > 0 || !this.channel.isWritable())) {
					if (watcher == null && !this.channel.isWritable()) {
						watcher = new WritabilityWatcher();
						addWatcher(watcher);
						continue;
					}
					this.monitor.wait();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (watcher != null && this.channel.pipeline().context(watcher) != null) {
				this.channel.pipeline().remove(watcher);
			}
		}
	}

	/**
	 * Put the watcher in front of Reactor Netty's bridge, which takes writability changes
	 * for itself and passes none further down the pipeline.
	 */
	private void addWatcher(WritabilityWatcher watcher) {
		String name = WATCHER + System.identityHashCode(watcher);
		ChannelPipeline pipeline = this.channel.pipeline();
		if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, name, watcher);
		}
		else {
			pipeline.addLast(name, watcher);
		}
	}

	private void wake() {
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
	}

	/**
	 * Wakes the waiting writer when the connection can take more, or closes; and once it
	 * is in the pipeline. A watcher added from the writer's thread is only called once
	 * the event loop has run its {@code handlerAdded}: a writability change the loop
	 * handled before that passes it by, and the writer, which looked before it waited,
	 * would wait for good. Waking it from {@code handlerAdded} makes it look again after
	 * any such change.
	 */
	private final class WritabilityWatcher extends ChannelInboundHandlerAdapter {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			wake();
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			wake();
			ctx.fireChannelWritabilityChanged();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			wake();
			ctx.fireChannelInactive();
		}

	}

}
