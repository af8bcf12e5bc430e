#!/usr/bin/env bash
# Metrics and observations on vs off (issue 11): the sample app's TCP echo, WebSocket echo
# (`ws-echo`) and HTTP GET /plaintext (`web`), each measured under the same load twice in one
# invocation: ON, the sample as it ships (actuator present: a MeterRegistry, an
# ObservationRegistry, every meter of the starter bound), and OFF, the same jar started with Spring
# Boot's metrics and observation auto-configurations excluded, so that no MeterRegistry or
# ObservationRegistry bean exists (what an application without actuator gets). It prints ON/OFF
# for throughput (goal >= 0.97) and for server CPU per operation (goal <= 1/0.97). See
# benchmarks/README.md.
#
# Per mode: start the sample as its own JVM pinned to CPU $SERVER_CPU, wait for its three ports,
# check through the actuator that the mode is what it says (ON: the metrics endpoint has
# qtserver.bytes.received; OFF: there is no metrics endpoint at all), then run TcpEchoLoad, then
# WebSocketEchoLoad, then HttpLoad (wrk), each pinned to CPU $LOAD_CPU, and stop the sample by PID.
# The steps are lib.sh's.
#
# Environment (defaults in brackets):
#   SMOKE=1         a few seconds a load, to check that the harness works (figures mean nothing)
#   DURATION [10s] WARMUP [5s] CONNECTIONS [64] INFLIGHT [16] MESSAGE_BYTES [64]  the echo loads
#   HTTP_WARMUP [20s] WARMUP_ROUND [2s] STABLE [0.05] WRK_CONNECTIONS [64] WRK_THREADS [1]  the HTTP
#                   load: warm-up rounds until three agree within STABLE, for at most HTTP_WARMUP
#   TCP_SERVER [echo]  the sample's TCP server: echo (workers, port 9000) or fast-echo (event loop, 9002)
#   MODES ["on off"]   the order the modes run in
#   JVM_OPTS LOAD_JVM_OPTS SERVER_CPU [0] LOAD_CPU [1] STARTUP_TIMEOUT [60] SKIP_BUILD=1  as lib.sh
#   SAMPLE_ARGS     more arguments for the sample in both modes, e.g. --spring.threads.virtual.enabled=true
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ ${SMOKE:-0} == 1 ]]; then
  DURATION=${DURATION:-2s}
  WARMUP=${WARMUP:-1s}
  HTTP_WARMUP=${HTTP_WARMUP:-1s}
  WARMUP_ROUND=${WARMUP_ROUND:-1s}
  CONNECTIONS=${CONNECTIONS:-8}
  INFLIGHT=${INFLIGHT:-4}
  WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
fi
# the HTTP path warms up more slowly than the echoes (run-http.sh gives it up to 40 s on its own)
HTTP_WARMUP=${HTTP_WARMUP:-20s}
WARMUP_ROUND=${WARMUP_ROUND:-2s}
STABLE=${STABLE:-0.05}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
MESSAGE_BYTES=${MESSAGE_BYTES:-64}
MODES=${MODES:-on off}
TCP_SERVER=${TCP_SERVER:-echo}
case "$TCP_SERVER" in
  echo) TCP_PORT=9000 ;;
  fast-echo) TCP_PORT=9002 ;;
  *) echo "[run-metrics] ERROR: TCP_SERVER must be echo or fast-echo" >&2; exit 1 ;;
esac
WS_PORT=9003
WS_PATH=/echo
HTTP_PORT=8081
MANAGEMENT_PORT=8080
PLAINTEXT_PATH=/plaintext
PLAINTEXT_BODY='Hello, World!'
declare -A LOAD_OPTIONS=([wrk]="--tool wrk --connections $WRK_CONNECTIONS --threads $WRK_THREADS")

# Spring Boot 4.1's auto-configurations that make a MeterRegistry (the composite, and the simple
# registry that stands in when no other registry library is on the classpath, as in the sample) and
# the ObservationRegistry; without them every meter binder, the metrics endpoint and every
# observation back off (they are conditional on those beans)
OFF_EXCLUDE=org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration
OFF_EXCLUDE+=,org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration
OFF_EXCLUDE+=,org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration
OFF_EXCLUDE+=,org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration
declare -A MODE_ARGS=([on]="" [off]="--spring.autoconfigure.exclude=$OFF_EXCLUDE")

LOG_TAG=run-metrics
NEEDED_COMMANDS=("curl:Debian: apt-get install curl" "wrk:Debian: apt-get install wrk")
# no idle step: preflight's open-file check then asks for its 1,000 spare descriptors only
IDLE_CONNECTIONS=0
CONNECTION_NOUN=connections
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"

SAMPLE_PORT=$TCP_PORT
sample_command "$TCP_PORT" "qtserver.tcp.$TCP_SERVER.port"
[[ $SAMPLE_OVERRIDDEN == 0 ]] || die "SAMPLE_CMD is not taken here: both modes run the sample jar"
SAMPLE_CMD+=" ${SAMPLE_ARGS:-}"

all_ports_open() { port_open "$TCP_PORT" && port_open "$WS_PORT" && port_open "$HTTP_PORT" && port_open "$MANAGEMENT_PORT"; }

# the HTTP status of an actuator path on the management port
actuator_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$MANAGEMENT_PORT/actuator/$1" || echo none
}

# whether the sample runs in MODE: on binds the starter's meters; off has no metrics endpoint at
# all, which Boot gives only when no MeterRegistry bean exists
mode_checked() {
  if [[ $1 == on ]]; then
    MODE_CHECK="metrics/qtserver.bytes.received answers $(actuator_status metrics/qtserver.bytes.received)"
    [[ $MODE_CHECK == *200 ]]
  else
    MODE_CHECK="metrics answers $(actuator_status metrics)"
    [[ $MODE_CHECK == *404 ]]
  fi
}

# bench_mode MODE : the three loads against the sample started in MODE
bench_mode() {
  local mode=$1 status=0
  # shellcheck disable=SC2086
  launch_server "$mode" "$HTTP_PORT" $SAMPLE_CMD ${MODE_ARGS[$mode]}
  await_server "$mode" all_ports_open || status=$?
  if (( status != 0 )); then
    tail -n 30 "$WORK/$mode.log" >&2
    die "$mode: the sample did not listen on $TCP_PORT, $WS_PORT, $HTTP_PORT and $MANAGEMENT_PORT"
  fi
  mode_checked "$mode" || die "$mode: the sample is not in that mode: /actuator/$MODE_CHECK"
  answers_plaintext "$HTTP_PORT" || die "$mode: wrong answer to GET $PLAINTEXT_PATH: $ANSWER"
  log "$mode: sample listening (pid $SERVER_PID, CPU $SERVER_CPU); /actuator/$MODE_CHECK"

  LOAD_CLASS=TcpEchoLoad LOAD_ARGS=(--line-bytes "$MESSAGE_BYTES") CONNECTION_NOUN=connections
  measure_load "$mode tcp" "$TCP_PORT"
  LOAD_CLASS=WebSocketEchoLoad LOAD_ARGS=(--path "$WS_PATH" --message-bytes "$MESSAGE_BYTES") CONNECTION_NOUN=sessions
  measure_load "$mode websocket" "$WS_PORT"
  WARMUP=$HTTP_WARMUP measure_http_load "$mode" "$HTTP_PORT" wrk
  RESULT["$mode http"]=${RESULT["$mode wrk"]}
  if [[ $mode == on ]]; then
    log "on: qtserver.bytes.received of $TCP_SERVER after its load: $(curl -s --max-time 5 \
      "http://127.0.0.1:$MANAGEMENT_PORT/actuator/metrics/qtserver.bytes.received?tag=server:$TCP_SERVER" \
      | grep -o '"value":[0-9.E]*' || echo none)"
  fi
  stop_pid "$SERVER_PID"
  log "$mode stopped"
}

# the RESULT fields of each work: throughput, CPU per operation, and what must be 0
declare -A RATE_FIELD=([tcp]=msgs_per_sec [websocket]=msgs_per_sec [http]=reqs_per_sec)
declare -A CPU_FIELD=([tcp]=server_cpu_us_per_msg [websocket]=server_cpu_us_per_msg [http]=server_cpu_us_per_req)
declare -A ZERO_FIELDS=([tcp]="mismatches errors lost" [websocket]="mismatches errors lost" [http]="non2xx errors")
WORKS=(tcp websocket http)

report() {
  local row='%-10s %-5s %12s %12s %10s\n' work mode res
  echo
  echo "Metrics and observations ON (the sample as it ships) vs OFF (--spring.autoconfigure.exclude of Boot's" \
    "metrics and observation auto-configurations); TCP $TCP_SERVER and WebSocket ws-echo: $CONNECTIONS" \
    "connections x $INFLIGHT in flight, ${MESSAGE_BYTES}-byte messages; HTTP GET $PLAINTEXT_PATH: wrk," \
    "$WRK_CONNECTIONS connections; window $DURATION after warm-up; server on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
  # shellcheck disable=SC2059
  printf "$row" work mode ops/s cpu_us/op other_cpu
  for work in "${WORKS[@]}"; do
    for mode in $MODES; do
      res=${RESULT["$mode $work"]}
      # shellcheck disable=SC2059
      printf "$row" "$work" "$mode" "$(result_field "$res" "${RATE_FIELD[$work]}")" \
        "$(result_field "$res" "${CPU_FIELD[$work]}")" "$(result_field "$res" other_cpu_util)"
    done
  done
  echo
  for work in "${WORKS[@]}"; do
    awk -v work="$work" -v indent="  " \
        -v st="$(result_field "${RESULT["on $work"]}" "${RATE_FIELD[$work]}")" \
        -v rt="$(result_field "${RESULT["off $work"]}" "${RATE_FIELD[$work]}")" \
        -v sc="$(result_field "${RESULT["on $work"]}" "${CPU_FIELD[$work]}")" \
        -v rc="$(result_field "${RESULT["off $work"]}" "${CPU_FIELD[$work]}")" "$GOAL_AWK"'
      BEGIN {
        print work " on/off:"
        line("throughput", ratio(st, rt), ">=", "0.97")
        line("server CPU per operation", ratio(sc, rc), "<=", "1.031")
      }'
  done
  for res in "${RESULT[@]}"; do
    if awk -v o="$(result_field "$res" other_cpu_util)" 'BEGIN { exit !(o > 0.10) }'; then
      echo "WARNING: other processes used more than 10 % of a core during a window; rerun on a quiet machine"
      break
    fi
  done
}

passed() {
  local work mode field
  for work in "${WORKS[@]}"; do
    for mode in $MODES; do
      for field in ${ZERO_FIELDS[$work]}; do
        [[ $(result_field "${RESULT["$mode $work"]}" "$field") == 0 ]] || return 1
      done
    done
  done
}

preflight
build
for mode in $MODES; do
  bench_mode "$mode"
done
report
passed || { log "FAIL: a reply mismatched or was lost, a request failed, or a connection failed (see above)"; exit 1; }
