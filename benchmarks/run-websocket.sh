#!/usr/bin/env bash
# WebSocket text echo: the sample app's annotated-handler echo (`ws-echo`, a @NonBlocking
# @OnMessage String echo(String)) against raw Reactor Netty in both idioms (RawWebSocketEchoServer
# --idiom zero-copy, then --idiom string) and against Spring WebFlux (WebFluxWebSocketEchoServer),
# measured in one invocation so the ratios are taken under the same machine conditions. See
# benchmarks/README.md.
#
# For each server in turn: start it as its own JVM pinned to CPU $SERVER_CPU, wait for its port, run
# WebSocketEchoLoad pinned to CPU $LOAD_CPU (upgrade every connection, warm-up, then a fixed
# window; it reads the server's CPU time from /proc/PID/stat at the window's edges), then open
# $IDLE_CONNECTIONS idle WebSocket sessions (each upgraded, then left alone) and compare the
# server's heap (after a GC) and RSS with a baseline; stop the server by PID. The steps are in
# lib.sh, shared with run-tcp.sh.
#
# Environment (defaults in brackets):
#   DURATION [10s] WARMUP [5s] CONNECTIONS [64] INFLIGHT [16] MESSAGE_BYTES [64]
#   IDLE_CONNECTIONS [5000] IDLE_PER_SOURCE [2000]  (127.0.0.2, 127.0.0.3, ... as sources)
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the client JVMs [-Xms256m -Xmx256m]
#   SAMPLE_PORT [9003] RAW_PORT [9103] WEBFLUX_PORT [9104] SERVER_CPU [0] LOAD_CPU [1]; the path is
#                   /echo on all
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls];
#                   set it to measure something else (then only benchmarks/ is built)
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MESSAGE_BYTES=${MESSAGE_BYTES:-64}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-5000}
WS_PATH=/echo
SAMPLE_DEFAULT_PORT=9003
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9103}
WEBFLUX_PORT=${WEBFLUX_PORT:-9104}

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
# idiom, and is at least as fast as WebFlux. The raw baselines take RAW_PORT one after the other
RAW_CMD="-cp $BENCH_JAR dev.qtserver.benchmarks.RawWebSocketEchoServer $RAW_PORT"
baseline raw-zero-copy "$RAW_PORT" "0.85 1.15 1.2" "$RAW_CMD --idiom zero-copy"
baseline raw-string "$RAW_PORT" "1.0 1.0 1.2" "$RAW_CMD --idiom string"
baseline webflux "$WEBFLUX_PORT" "1.0 1.0 -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.WebFluxWebSocketEchoServer --server.port=$WEBFLUX_PORT"

run_benchmark
