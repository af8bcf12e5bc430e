"""Interactive WebSocket client for WebSocketClientTests: stays connected and obeys commands.

Connects, then prints status=101 (or status=<HTTP status> for a refused handshake, and exits),
subprotocol=..., and open=true (or connect_error=<exception> when the TLS handshake or the
connection fails, and exits with 4; for wss URIs, --cafile names the CA to trust and --cert/--key
a client certificate). It then reads one command per line from stdin:

  send <text>            send a text message              -> sent=<text>
  recv                   wait for the next message        -> recv=<text>  (or close_code/close_reason)
  ping <payload>         ping and wait for the pong       -> pong=<payload>
  close <code> <reason>  run the closing handshake        -> close_code=<code>, close_reason=<reason>
  wait_closed            wait until the server closes     -> close_code=<code>, close_reason=<reason>
  quit (or end of stdin) close normally and exit

Each command is bounded by --timeout seconds, the whole session by --lifetime seconds.
"""
import argparse
import asyncio
import ssl
import sys
import threading

import websockets


def out(key, value):
    print(f"{key}={value}", flush=True)


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("uri")
    parser.add_argument("--subprotocol", action="append", default=None)
    parser.add_argument("--origin")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--cafile", help="for wss: trust the server certificates this CA file signed")
    parser.add_argument("--cert", help="for wss: present this client certificate (PEM)")
    parser.add_argument("--key", help="for wss: the client certificate's private key (PEM)")
    parser.add_argument("--lifetime", type=float, default=60)
    return parser.parse_args()


def stdin_lines(loop):
    """Feed stdin lines to an asyncio queue from a daemon thread, so exiting never waits on it."""
    queue = asyncio.Queue()

    def read():
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, daemon=True).start()
    return queue


def closed(ws):
    out("close_code", ws.close_code)
    out("close_reason", ws.close_reason)


async def obey(ws, command, timeout):
    name, _, rest = command.partition(" ")
    if name == "send":
        await ws.send(rest)
        out("sent", rest)
    elif name == "recv":
        try:
            reply = await asyncio.wait_for(ws.recv(), timeout)
            out("recv", reply if isinstance(reply, str) else "binary:" + reply.decode("latin-1"))
        except websockets.exceptions.ConnectionClosed:
            closed(ws)
    elif name == "ping":
        pong_waiter = await ws.ping(rest.encode())
        await asyncio.wait_for(pong_waiter, timeout)
        out("pong", rest)
    elif name == "close":
        code, _, reason = rest.partition(" ")
        await asyncio.wait_for(ws.close(int(code), reason), timeout)
        closed(ws)
    elif name == "wait_closed":
        await asyncio.wait_for(ws.wait_closed(), timeout)
        closed(ws)
    else:
        out("error", "unknown command " + command)


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
            compression=None,
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
    out("open", "true")
    commands = stdin_lines(asyncio.get_running_loop())
    while True:
        command = await commands.get()
        if command is None or command == "quit":
            break
        await obey(ws, command, args.timeout)
    await asyncio.wait_for(ws.close(), args.timeout)


def main():
    args = arguments()
    try:
        asyncio.run(asyncio.wait_for(run(args), args.lifetime))
    except asyncio.TimeoutError:
        out("error", "timeout")
        sys.exit(3)


if __name__ == "__main__":
    main()
