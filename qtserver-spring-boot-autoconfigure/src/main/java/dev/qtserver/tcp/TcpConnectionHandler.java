package dev.qtserver.tcp;

import org.reactivestreams.Publisher;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

/**
 * Full control over a TCP connection, on Reactor Netty's own streams: the alternative to
 * annotated handler methods. Implement it on a
 * {@link dev.qtserver.handler.QtHandler @QtHandler} bean.
 *
 * <p>
 * The method runs on the connection's event loop and must not block. Inbound messages are
 * already framed (one buffer per frame, released after {@code onNext}); outbound buffers
 * are written as they are, so frame them yourself or use {@link QTcpSocket#send(String)}.
 */
@FunctionalInterface
public interface TcpConnectionHandler {

	/**
	 * Handle one connection.
	 * @param socket the accepted connection
	 * @param inbound its incoming frames
	 * @param outbound where to write
	 * @return completes when the handler is done with the connection, which is then
	 * closed
	 */
	Publisher<Void> handle(QTcpSocket socket, NettyInbound inbound, NettyOutbound outbound);

}
