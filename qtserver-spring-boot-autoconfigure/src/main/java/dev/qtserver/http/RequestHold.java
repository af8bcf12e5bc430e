package dev.qtserver.http;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * A handler in front of Reactor Netty's HTTP/1.1 traffic handler that may hold a request
 * back, with whatever the connection sends after it, until it decides what becomes of it;
 * every other message passes on. What is still held when the connection closes, or the
 * handler leaves the pipeline, is released.
 */
abstract class RequestHold extends ChannelInboundHandlerAdapter {

	/** The request held back and what followed it; {@code null} while none is. */
	private @Nullable List<Object> held;

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		List<Object> waiting = this.held;
		if (waiting != null) {
			waiting.add(msg);
			return;
		}
		if (msg instanceof HttpRequest request) {
			if (holdsBack(ctx, request)) {
				List<Object> hold = new ArrayList<>();
				hold.add(msg);
				this.held = hold;
				onHeld(ctx, request);
				return;
			}
			passing(request);
		}
		ctx.fireChannelRead(msg);
	}

	/**
	 * Return whether to hold a request back.
	 * @param ctx this handler's context
	 * @param request a request read while none is held
	 * @return whether to hold it
	 */
	protected abstract boolean holdsBack(ChannelHandlerContext ctx, HttpRequest request);

	/**
	 * A request is held from now on.
	 * @param ctx this handler's context
	 * @param request the request
	 */
	protected void onHeld(ChannelHandlerContext ctx, HttpRequest request) {
	}

	/**
	 * A request passes on.
	 * @param request the request
	 */
	protected void passing(HttpRequest request) {
	}

	/**
	 * Return whether a request is held.
	 * @return whether one is
	 */
	protected final boolean isHolding() {
		return this.held != null;
	}

	/**
	 * Stop holding: the caller takes the held request and what followed it.
	 * @return the messages, in the order read; empty when none was held
	 */
	protected final List<Object> letGo() {
		List<Object> waiting = this.held;
		this.held = null;
		return (waiting != null) ? waiting : List.of();
	}

	/** Stop holding, and release what was held. */
	protected final void discardHeld() {
		letGo().forEach(ReferenceCountUtil::release);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		discardHeld();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		discardHeld();
	}

}
