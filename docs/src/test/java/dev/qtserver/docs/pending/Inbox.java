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

	// #root.event, not #event: #event needs javac -parameters (set by Boot's parent only)
	@EventListener(condition = "#root.event.serverName == 'inbox'")
	void onPending(PendingConnectionAvailableEvent event) {
		QTcpSocket socket = this.server.nextPendingConnection();
		if (socket != null) {
			socket.send("welcome");
			// answer each line; once the client is done sending, close after the answers
			socket.receiveText().doOnComplete(socket::close).subscribe((line) -> socket.send("you said: " + line));
		}
	}

}
