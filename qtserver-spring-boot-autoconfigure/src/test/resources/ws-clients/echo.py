"""One-shot WebSocket client for WebSocketClientTests.

Connects, sends --count messages, reads one reply per message, then closes normally. Prints one
machine-readable key=value line per fact, flushed at once:

  status=101|<HTTP status of a refused handshake>
  subprotocol=<negotiated subprotocol or None>
  server=<Server header of the handshake response>
  extensions=<Sec-WebSocket-Extensions header of the handshake response, empty when absent>
  pong=<payload>                 (with --ping)
  reply=text:<text>|binary:<latin-1 text>
  close_code=<code>              (the code the server sent, or answered with)
  close_reason=<reason>

The whole run is bounded by --timeout seconds.
"""
import argparse
import asyncio
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


async def run(args):
    try:
        ws = await websockets.connect(
            args.uri,
            subprotocols=args.subprotocol,
            origin=args.origin,
            compression=None if args.compression == "none" else "deflate",
            max_size=args.max_size,
            open_timeout=args.timeout,
        )
    except websockets.exceptions.InvalidStatusCode as refused:
        out("status", refused.status_code)
        return
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
