#!/usr/bin/env bash
# TCP line echo over TLS: one of the sample app's secure echoes (behind ssl.bundle=dev, the starter's
# TLS defaults) against raw Reactor Netty's line echo behind TcpServer.secure with a
# TcpSslContextSpec of the same PEM certificate and key (RawTlsTcpEchoServer, zero-copy and
# string), measured side by side in one invocation under the same TLS load. See
# benchmarks/README.md, "TLS".
#
# What TLS costs is measured like for like, each handler against the raw idiom that does the same
# work (shared/PERFORMANCE.md names the two), so that the ratio is what TLS costs through the
# starter and not what a String costs: the default server, `bytes-echo` (profile bench, port 9011,
# ByteBuffer echo(ByteBuffer) on the event loop, the frame going back as it came, put behind the
# development bundle by --qtserver.tcp.bytes-echo.ssl.bundle=dev), has issue 10's goal against raw
# zero-copy over TLS: at least 0.95x its throughput (at most 1/0.95 its CPU per message).
# `mono-echo` (port 9010, Mono<String> echo(String) on the event loop) has the same goal against
# raw's String idiom over TLS, which decodes and encodes as it does. The sample's own `tls-echo`
# (port 9443, a plain String handler on workers) adds the worker hand-off, whose own goal is the
# worker path's (shared/PERFORMANCE.md: at least 0.5x zero-copy, at most 2x its CPU per message).
#
# All servers run at once, each its own JVM pinned to CPU $SERVER_CPU on a port of its own; the load,
# TcpEchoLoad over TLS (JDK SSLEngine through Netty's SslHandler, trusting only
# sample-app/dev-tls/ca.crt and checking the name localhost) pinned to CPU $LOAD_CPU, takes turns
# between them: ROUNDS rounds of one window per server (sample, raw-tls, raw-tls-string; then
# backwards), the first after WARMUP, the others after ROUND_WARMUP, server CPU from /proc/PID/stat
# at the window's edges. The goal lines are the medians of the rounds' ratios. The servers are
# stopped by PID. No idle step: IdleConnections speaks no TLS. The steps are lib.sh's.
#
# Environment (defaults in brackets):
#   ROUNDS [5]      windows per server, the servers taking turns
#   LAUNCHES [1]    how many times the servers start, in fresh JVMs, for ROUNDS rounds each (lib.sh)
#   DURATION [5s]   each window; WARMUP [5s] before a server's first window, ROUND_WARMUP [1s] before
#                   the others
#   SMOKE=1         two rounds of 2s, 8 connections x 4 in flight: checks the harness, not the figures
#   SAMPLE_SERVER [bytes-echo]  mono-echo or tls-echo (see above)
#   CONNECTIONS [64] INFLIGHT [16] LINE_BYTES [64]
#   TLS_PROTOCOLS, TLS_CIPHERS  what the client offers, comma-separated [the JDK's defaults]
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the client JVMs [-Xms256m -Xmx256m]
#   SAMPLE_PORT [the server's port] RAW_PORT [9143]: raw-tls on RAW_PORT, raw-tls-string on RAW_PORT + 1
#   SERVER_CPU [0] LOAD_CPU [1]
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls]
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LINE_BYTES=${LINE_BYTES:-64}
SAMPLE_SERVER=${SAMPLE_SERVER:-bytes-echo}
# each server's port, profile and goals against zero-copy and against the String idiom
# ("THROUGHPUT CPU IDLE", as lib.sh's baseline takes them)
case "$SAMPLE_SERVER" in
  bytes-echo) SAMPLE_DEFAULT_PORT=9011; ZERO_COPY_GOALS="0.95 1.053 -"; STRING_GOALS="- - -" ;;
  mono-echo) SAMPLE_DEFAULT_PORT=9010; ZERO_COPY_GOALS="- - -"; STRING_GOALS="0.95 1.053 -" ;;
  tls-echo) SAMPLE_DEFAULT_PORT=9443; ZERO_COPY_GOALS="0.5 2.0 -"; STRING_GOALS="- - -" ;;
  *) echo "[run-tls] ERROR: SAMPLE_SERVER must be bytes-echo, mono-echo or tls-echo" >&2; exit 1 ;;
esac
case "$SAMPLE_SERVER" in
  tls-echo) SAMPLE_PROFILE="" ;;
  *) SAMPLE_PROFILE="--spring.profiles.active=bench --qtserver.tcp.$SAMPLE_SERVER.ssl.bundle=dev" ;;
esac
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9143}
DEV_TLS=sample-app/dev-tls

LOG_TAG=run-tls
LOAD_CLASS=TcpEchoLoad
LOAD_ARGS=(--line-bytes "$LINE_BYTES" --tls-ca "$DEV_TLS/ca.crt" --tls-server-name localhost)
[[ -z ${TLS_PROTOCOLS:-} ]] || LOAD_ARGS+=(--tls-protocols "$TLS_PROTOCOLS")
[[ -z ${TLS_CIPHERS:-} ]] || LOAD_ARGS+=(--tls-ciphers "$TLS_CIPHERS")
IDLE_ARGS=()
# no idle step: IdleConnections opens plain TCP connections
IDLE_CONNECTIONS=0
CONNECTION_NOUN=connections
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"
RUN_TITLE="TCP line echo over TLS, sample server $SAMPLE_SERVER, $CONNECTIONS connections x $INFLIGHT lines in flight, ${LINE_BYTES}-byte lines"

sample_command "$SAMPLE_DEFAULT_PORT" "qtserver.tcp.$SAMPLE_SERVER.port"
if [[ $SAMPLE_OVERRIDDEN == 0 ]]; then
  SAMPLE_CMD+=" $SAMPLE_PROFILE"
fi
# Both raw servers on NIO, as the starter's TCP servers, side by side on RAW_PORT and the next port
RAW_CMD="-Dreactor.netty.native=false -cp $BENCH_JAR dev.qtserver.benchmarks.RawTlsTcpEchoServer"
RAW_TLS="--cert $DEV_TLS/server.crt --key $DEV_TLS/server.key"
baseline raw-tls "$RAW_PORT" "$ZERO_COPY_GOALS" "$RAW_CMD $RAW_PORT $RAW_TLS --idiom zero-copy"
baseline raw-tls-string $((RAW_PORT + 1)) "$STRING_GOALS" "$RAW_CMD $((RAW_PORT + 1)) $RAW_TLS --idiom string"

run_benchmark
