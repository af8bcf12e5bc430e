#!/usr/bin/env bash
# WebSocket text echo: the sample app's annotated-handler echo (`ws-echo`, a @NonBlocking
# @OnMessage String echo(String)) against raw Reactor Netty in both idioms (RawWebSocketEchoServer
# --idiom zero-copy and --idiom string) and against Spring WebFlux (WebFluxWebSocketEchoServer),
# measured side by side in one invocation so the ratios are taken under the same machine conditions.
# See benchmarks/README.md.
#
# All servers run at once, each its own JVM pinned to CPU $SERVER_CPU on a port of its own; the load,
# WebSocketEchoLoad pinned to CPU $LOAD_CPU, takes turns between them: ROUNDS rounds of one window
# per server (sample, raw-zero-copy, raw-string, webflux; then backwards), each upgrading every
# connection, the first after WARMUP, the others after ROUND_WARMUP (the generator reads the server's
# CPU time from /proc/PID/stat at the window's edges). The goal lines are the medians of the rounds'
# ratios: a slow phase of the machine, which can last minutes here, weighs on both sides of a round's
# ratio. Then, one server at a time while the others idle, it opens $IDLE_CONNECTIONS idle WebSocket
# sessions (each upgraded, then left alone) and compares the server's heap (after a GC) and RSS with
# a baseline; it stops the servers by PID. The steps are in lib.sh, shared with run-tcp.sh.
#
# Environment (defaults in brackets):
#   ROUNDS [5]      windows per server, the servers taking turns
#   LAUNCHES [1]    how many times the servers start, in fresh JVMs, for ROUNDS rounds each (lib.sh)
#   DURATION [5s]   each window; WARMUP [5s] before a server's first window, ROUND_WARMUP [1s] before
#                   the others
#   SMOKE=1         two rounds of 2s, 8 sessions x 4 in flight, 200 idle sessions: checks the
#                   harness, not the figures
#   CONNECTIONS [64] INFLIGHT [16] MESSAGE_BYTES [64]
#   IDLE_CONNECTIONS [5000] IDLE_PER_SOURCE [2000]  (127.0.0.2, 127.0.0.3, ... as sources)
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the client JVMs [-Xms256m -Xmx256m]
#   SAMPLE_PORT [9003] RAW_PORT [9103]: raw-zero-copy on RAW_PORT, raw-string on RAW_PORT + 1
#   WEBFLUX_PORT [9105]; the path is /echo on all
#   SERVER_CPU [0] LOAD_CPU [1]
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls];
#                   set it to measure something else (then only benchmarks/ is built)
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MESSAGE_BYTES=${MESSAGE_BYTES:-64}
IDLE_DEFAULT=5000
WS_PATH=/echo
SAMPLE_DEFAULT_PORT=9003
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9103}
WEBFLUX_PORT=${WEBFLUX_PORT:-9105}

LOG_TAG=run-websocket
LOAD_CLASS=WebSocketEchoLoad
LOAD_ARGS=(--path "$WS_PATH" --message-bytes "$MESSAGE_BYTES")
IDLE_ARGS=(--websocket "$WS_PATH")
CONNECTION_NOUN=sessions
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"
RUN_TITLE="WebSocket text echo, $CONNECTIONS sessions x $INFLIGHT messages in flight, ${MESSAGE_BYTES}-byte messages"

# the sample's ws-echo server listens on 9003 (it also starts servers on 9000-9002, unused here)
sample_command "$SAMPLE_DEFAULT_PORT" "qtserver.websocket.ws-echo.port"
# the sample's goals against each baseline (shared/PERFORMANCE.md), "THROUGHPUT CPU IDLE" as lib.sh's
# baseline takes them: a handler on the event loop stays within 15 % of zero-copy, matches the String
# idiom, and is at least as fast as WebFlux. The raw baselines run side by side, on RAW_PORT and the
# next port
RAW_CMD="-cp $BENCH_JAR dev.qtserver.benchmarks.RawWebSocketEchoServer"
baseline raw-zero-copy "$RAW_PORT" "0.85 1.15 1.2" "$RAW_CMD $RAW_PORT --idiom zero-copy"
baseline raw-string $((RAW_PORT + 1)) "1.0 1.0 1.2" "$RAW_CMD $((RAW_PORT + 1)) --idiom string"
baseline webflux "$WEBFLUX_PORT" "1.0 1.0 -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.WebFluxWebSocketEchoServer --server.port=$WEBFLUX_PORT"

run_benchmark
