package dev.qtserver.http;

/**
 * What an HTTP server does with the requests of a client that closes its sending side (a
 * TCP half-close, or a TLS 1.3 {@code close_notify}) while they are still being answered.
 * The server cannot tell a client that only stopped sending ({@code nc -N}, a script's
 * {@code shutdown(SHUT_WR)}: it still reads) from one that went away (a closed tab, a
 * client's timeout, Ctrl-C: its socket is closed, and only a write to it fails): both
 * send the same FIN.
 */
public enum HalfClose {

	/**
	 * Take the client as gone, as Qt's {@code QAbstractHttpServer} does: the requests
	 * whose answers have not started are cancelled (their responders report
	 * {@code isCancelled()}, their streams and {@code Mono}s are cancelled, and pipelined
	 * requests not yet handed over are dropped; one answered on the event loop may be
	 * handed over and answered before the server looks); an HTTP/1.1 answer already being
	 * written is finished first, then the connection is closed. HTTP/2 connections close
	 * at once. The default: a server learns at once that its work is no longer wanted.
	 * Such servers stay on the default transport (epoll on Linux), where the rest of an
	 * answer written in pieces after the half-close may still be cut (Netty 4.2's epoll
	 * loses half-closed sockets).
	 */
	CANCEL,

	/**
	 * Answer every request received before the half-close, in order, then close the
	 * connection, as the TCP servers do. A client that went away is seen only when a
	 * write to it fails, so a slow handler of one runs to its end.
	 */
	ANSWER

}
