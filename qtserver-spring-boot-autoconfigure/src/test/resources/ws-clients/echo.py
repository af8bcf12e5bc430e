"""One-shot WebSocket client for WebSocketClientTests.

Connects, sends --count messages, reads one reply per message, then closes normally. Prints one
machine-readable key=value line per fact, flushed at once:

  status=101|<HTTP status of a refused handshake>
  connect_error=<exception>      (a refused TLS handshake or a lost connection; exits with 4)
  subprotocol=<negotiated subprotocol or None>
  server=<Server header of the handshake response>
  extensions=<Sec-WebSocket-Extensions header of the handshake response, empty when absent>
  pong=<payload>                 (with --ping)
  reply=text:<text>|binary:<latin-1 text>
  close_code=<code>              (the code the server sent, or answered with)
  close_reason=<reason>

For wss URIs, --cafile names the CA to trust and --cert/--key a client certificate.
The whole run is bounded by --timeout seconds.
"""
import argparse
import asyncio
import ssl
import sys

import websockets


def out(key, value):
    print(f"{key}={value}", flush=True)


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("uri")
    parser.add_argument("--subprotocol", action="append", default=None)
    parser.add_argument("--origin")
    parser.add_argument("--compression", choices=["deflate", "none"], default="none")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--binary", action="store_true", help="send binary messages instead of text")
    parser.add_argument("--size", type=int, default=0, help="send messages of exactly this many bytes")
    parser.add_argument("--fragment", type=int, default=0, help="send each message in fragments of this size")
    parser.add_argument("--hold", type=float, default=0, help="seconds to stay connected before sending")
    parser.add_argument("--ping", help="ping with this payload and wait for the pong")
    parser.add_argument("--max-size", type=int, default=2 ** 20)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--cafile", help="for wss: trust the server certificates this CA file signed")
    parser.add_argument("--cert", help="for wss: present this client certificate (PEM)")
    parser.add_argument("--key", help="for wss: the client certificate's private key (PEM)")
    return parser.parse_args()


def message(args, index):
    text = f"m{index}"
    if args.size:
        text = (text + ":" + "x" * args.size)[: args.size]
    return text.encode() if args.binary else text


def describe(reply):
    if isinstance(reply, bytes):
        return "binary:" + reply.decode("latin-1")
    return "text:" + reply


def fragments(payload, size):
    return [payload[i : i + size] for i in range(0, len(payload), size)]


def tls(args):
    """The ssl argument of websockets.connect for a wss URI: none for ws, the system's defaults without --cafile."""
    if not args.uri.startswith("wss:"):
        return {}
    context = ssl.create_default_context(cafile=args.cafile)
    if args.cert:
        context.load_cert_chain(args.cert, args.key)
    return {"ssl": context}


async def run(args):
    try:
        ws = await websockets.connect(
            args.uri,
            subprotocols=args.subprotocol,
            origin=args.origin,
            compression=None if args.compression == "none" else "deflate",
            max_size=args.max_size,
            open_timeout=args.timeout,
            **tls(args),
        )
    except websockets.exceptions.InvalidStatusCode as refused:
        out("status", refused.status_code)
        return
    except (OSError, websockets.exceptions.InvalidHandshake) as failed:
        # a refused TLS handshake (or a connection closed before the HTTP response)
        out("connect_error", f"{type(failed).__name__}: {failed}")
        sys.exit(4)
    out("status", 101)
    out("subprotocol", ws.subprotocol)
    out("server", ws.response_headers.get("Server", ""))
    out("extensions", ws.response_headers.get("Sec-WebSocket-Extensions", ""))
    try:
        if args.hold:
            await asyncio.sleep(args.hold)
        if args.ping is not None:
            pong_waiter = await ws.ping(args.ping.encode())
            await pong_waiter
            out("pong", args.ping)
        for index in range(args.count):
            payload = message(args, index)
            if args.fragment:
                await ws.send(fragments(payload, args.fragment))
            else:
                await ws.send(payload)
        for _ in range(args.count):
            out("reply", describe(await ws.recv()))
        await ws.close()
    except websockets.exceptions.ConnectionClosed:
        await ws.wait_closed()
    out("close_code", ws.close_code)
    out("close_reason", ws.close_reason)


def main():
    args = arguments()
    try:
        asyncio.run(asyncio.wait_for(run(args), args.timeout))
    except asyncio.TimeoutError:
        out("error", "timeout")
        sys.exit(3)


if __name__ == "__main__":
    main()
