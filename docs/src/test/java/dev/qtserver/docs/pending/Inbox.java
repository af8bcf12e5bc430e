package dev.qtserver.docs.pending;

import dev.qtserver.event.PendingConnectionAvailableEvent;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpSocket;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

@Component
class Inbox {

	private final QTcpServer server;

	Inbox(@Qualifier("inboxTcpServer") QTcpServer server) {
		this.server = server;
	}

	// #root.event, not #event: parameter names need javac -parameters, which only Boot's parent sets
	@EventListener(condition = "#root.event.serverName == 'inbox'")
	void onPending(PendingConnectionAvailableEvent event) {
		QTcpSocket socket = this.server.nextPendingConnection();
		if (socket != null) {
			socket.send("welcome");
			socket.receiveText()
				.doOnComplete(socket::close) // the client is done sending: close after the answers
				.subscribe((line) -> socket.send("you said: " + line));
		}
	}

}
