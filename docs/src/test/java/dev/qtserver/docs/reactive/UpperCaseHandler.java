package dev.qtserver.docs.reactive;

import dev.qtserver.handler.QtHandler;
import dev.qtserver.tcp.QTcpSocket;
import dev.qtserver.tcp.TcpConnectionHandler;
import org.reactivestreams.Publisher;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;

@QtHandler(server = "upper")
class UpperCaseHandler implements TcpConnectionHandler {

	@Override
	public Publisher<Void> handle(QTcpSocket socket, NettyInbound inbound, NettyOutbound outbound) {
		return outbound.sendString(inbound.receive().asString().map((line) -> line.toUpperCase() + "\n"));
	}

}
