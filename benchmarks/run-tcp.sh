#!/usr/bin/env bash
# TCP line echo: the sample app's annotated-handler echo against raw Reactor Netty in both idioms
# (RawTcpEchoServer --idiom zero-copy and --idiom string), measured side by side in one invocation
# so the ratios are taken under the same machine conditions. See benchmarks/README.md.
#
# All servers run at once, each its own JVM pinned to CPU $SERVER_CPU on a port of its own; the load,
# TcpEchoLoad pinned to CPU $LOAD_CPU, takes turns between them: ROUNDS rounds of one window per
# server (sample, raw-zero-copy, raw-string; then backwards), the first after WARMUP, the others after
# ROUND_WARMUP (the generator reads the server's CPU time from /proc/PID/stat at the window's edges).
# The goal lines are the medians of the rounds' ratios: a slow phase of the machine, which can last
# minutes here, weighs on both sides of a round's ratio. Then, one server at a time while the others
# idle, it opens $IDLE_CONNECTIONS idle connections and compares the server's heap (after a GC) and
# RSS with a baseline; it stops the servers by PID. The steps are in lib.sh, shared with
# run-websocket.sh and run-tls.sh.
#
# Environment (defaults in brackets):
#   ROUNDS [5]      windows per server, the servers taking turns
#   LAUNCHES [1]    how many times the servers start, in fresh JVMs, for ROUNDS rounds each (lib.sh)
#   DURATION [5s]   each window; WARMUP [5s] before a server's first window, ROUND_WARMUP [1s] before
#                   the others
#   SMOKE=1         two rounds of 2s, 8 connections x 4 in flight, 200 idle connections: checks the
#                   harness, not the figures
#   CONNECTIONS [64] INFLIGHT [16] LINE_BYTES [64]
#   IDLE_CONNECTIONS [10000] IDLE_PER_SOURCE [2000]  (127.0.0.2, 127.0.0.3, ... as sources)
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the client JVMs [-Xms256m -Xmx256m]
#   SAMPLE_SERVER [echo]: which server of the sample to measure, one of issue 8's product cases:
#                   echo           String echo(String) on workers, the default handler   (port 9000)
#                   fast-echo      the same, @NonBlocking: on the event loop              (port 9002)
#                   mono-echo      Mono<String> echo(String): on the event loop by signature (9010)
#                   bytes-echo     ByteBuffer echo(ByteBuffer), @NonBlocking: zero-copy  (9011)
#                   blocking-echo  String echo(String) that sleeps BLOCK first, on workers (9012);
#                                  256 connections, against raw Reactor Netty with
#                                  publishOn(boundedElastic()) only
#                   the last three are in the sample's profile "bench" (application-bench.yml)
#   BLOCK [1ms]     how long blocking-echo and its baseline block per line
#   SAMPLE_ARGS     more arguments for the sample, e.g. --spring.threads.virtual.enabled=true
#   SAMPLE_PORT [the server's port] RAW_PORT [9100]: raw-zero-copy (or raw-blocking) on RAW_PORT,
#                   raw-string on RAW_PORT + 1
#   SERVER_CPU [0] LOAD_CPU [1]
#   RAW_NATIVE [false]  true runs both raw baselines on epoll (the sample's TCP servers use NIO)
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls];
#                   set it to measure something else (then only benchmarks/ is built)
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LINE_BYTES=${LINE_BYTES:-64}
# which of the sample's echo servers to measure (see above)
SAMPLE_SERVER=${SAMPLE_SERVER:-echo}
BLOCK=${BLOCK:-1ms}
# and its goals against each raw idiom (shared/PERFORMANCE.md, issue 8), "THROUGHPUT CPU IDLE" as
# lib.sh's baseline takes them: a handler on worker threads costs at most 2x zero-copy's CPU per
# message; one on the event loop stays within 15 % of zero-copy and matches the String idiom; a
# byte[]/ByteBuffer one within 5 % of zero-copy; a blocking one at least matches
# publishOn(boundedElastic())
SAMPLE_PROFILE=
case "$SAMPLE_SERVER" in
  echo) SAMPLE_DEFAULT_PORT=9000; ZERO_COPY_GOALS="0.5 2.0 1.2"; STRING_GOALS="- - 1.2" ;;
  fast-echo) SAMPLE_DEFAULT_PORT=9002; ZERO_COPY_GOALS="0.85 1.15 1.2"; STRING_GOALS="1.0 1.0 1.2" ;;
  mono-echo) SAMPLE_DEFAULT_PORT=9010; ZERO_COPY_GOALS="0.85 1.15 1.2"; STRING_GOALS="1.0 1.0 1.2" ;;
  bytes-echo) SAMPLE_DEFAULT_PORT=9011; ZERO_COPY_GOALS="0.95 1.05 1.2"; STRING_GOALS="- - 1.2" ;;
  blocking-echo) SAMPLE_DEFAULT_PORT=9012; BLOCKING_GOALS="1.0 - -"; CONNECTIONS=${CONNECTIONS:-256} ;;
  *) echo "[run-tcp] ERROR: SAMPLE_SERVER must be echo, fast-echo, mono-echo, bytes-echo or blocking-echo" >&2
     exit 1 ;;
esac
case "$SAMPLE_SERVER" in
  mono-echo | bytes-echo | blocking-echo) SAMPLE_PROFILE="--spring.profiles.active=bench --sample.bench.block=$BLOCK" ;;
esac
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9100}

LOG_TAG=run-tcp
LOAD_CLASS=TcpEchoLoad
LOAD_ARGS=(--line-bytes "$LINE_BYTES")
IDLE_ARGS=()
CONNECTION_NOUN=connections
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"
RUN_TITLE="TCP line echo, sample server $SAMPLE_SERVER${BLOCKING_GOALS:+ (blocking $BLOCK per line)}, $CONNECTIONS connections x $INFLIGHT lines in flight, ${LINE_BYTES}-byte lines"

# the sample's servers listen on 9000 (echo) and 9002 (fast-echo); only another port needs the property
sample_command "$SAMPLE_DEFAULT_PORT" "qtserver.tcp.$SAMPLE_SERVER.port"
if [[ $SAMPLE_OVERRIDDEN == 0 ]]; then
  SAMPLE_CMD+=" $SAMPLE_PROFILE ${SAMPLE_ARGS:-}"
fi
# the starter's TCP servers run on NIO (README: epoll loses answers to half-closed clients on Netty
# 4.2.17), so the raw baselines do too unless RAW_NATIVE=true asks for the epoll anchor; they run
# side by side, on RAW_PORT and the next port
RAW_CMD="-Dreactor.netty.native=${RAW_NATIVE:-false} -cp $BENCH_JAR dev.qtserver.benchmarks.RawTcpEchoServer"
if [[ $SAMPLE_SERVER == blocking-echo ]]; then
  baseline raw-blocking "$RAW_PORT" "$BLOCKING_GOALS" "$RAW_CMD $RAW_PORT --idiom string --block $BLOCK"
else
  baseline raw-zero-copy "$RAW_PORT" "$ZERO_COPY_GOALS" "$RAW_CMD $RAW_PORT --idiom zero-copy"
  baseline raw-string $((RAW_PORT + 1)) "$STRING_GOALS" "$RAW_CMD $((RAW_PORT + 1)) --idiom string"
fi

run_benchmark
