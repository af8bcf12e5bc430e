package dev.qtserver.tcp;

/**
 * Marks, in a connection's inbound stream, the point where the peer shut its sending side
 * down (a FIN: it closed or half-closed). Travelling in the stream, it arrives after
 * every frame read before it, so the frames are handled and answered before the
 * connection closes.
 */
enum EndOfInput {

	INSTANCE

}
