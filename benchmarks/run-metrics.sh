#!/usr/bin/env bash
# Metrics and observations on vs off (issue 11): the sample app's TCP echo, WebSocket echo
# (`ws-echo`) and HTTP GET /plaintext (`web`), each measured under the same load in both modes in
# one invocation: ON, the sample as it ships (actuator present: a MeterRegistry, an
# ObservationRegistry, every meter of the starter bound), and OFF, the same jar started with Spring
# Boot's metrics and observation auto-configurations excluded, so that no MeterRegistry or
# ObservationRegistry bean exists (what an application without actuator gets). It prints ON/OFF
# for throughput (goal >= 0.97) and for server CPU per operation (goal <= 1/0.97). See
# benchmarks/README.md.
#
# Both modes run side by side, as two JVMs pinned to CPU $SERVER_CPU (OFF on the ports + 10000),
# and the loads take turns between them: per work, ROUNDS rounds of one window each (on, off; then
# off, on; ...), so that a slow phase of the machine, which can last minutes here, weighs on both
# sides of a round's ratio. The report's goal line is the median of the rounds' ratios, with the ratio
# of the modes' medians and each round's ratio beside it. Before the loads the script checks through
# each JVM's actuator that its mode is what it says (ON: the metrics endpoint has
# qtserver.bytes.received; OFF: there is no metrics endpoint at all). The steps, the rounds and the
# medians are lib.sh's, shared with the other scripts.
#
# Environment (defaults in brackets):
#   SMOKE=1         two rounds of a few seconds, to check that the harness works (figures mean nothing)
#   ROUNDS [5]      windows per mode and work, the modes taking turns
#   LAUNCHES [1]    how many times the servers start, in fresh JVMs, for ROUNDS rounds each (lib.sh)
#   DURATION [5s]   each window; WARMUP [5s] before a work's first window on a JVM, ROUND_WARMUP
#                   [1s] before the others (HTTP: one round of wrk that long)
#   CONNECTIONS [64] INFLIGHT [16] MESSAGE_BYTES [64]  the echo loads
#   HTTP_WARMUP [20s] WARMUP_ROUND [2s] STABLE [0.05] WRK_CONNECTIONS [64] WRK_THREADS [1]  the HTTP
#                   load's first warm-up: rounds until three agree within STABLE, at most HTTP_WARMUP
#   TCP_SERVER [echo]  the sample's TCP server: echo (workers, port 9000) or fast-echo (event loop, 9002)
#   WORKS ["tcp websocket http"]  which loads run, in that order
#   JVM_OPTS LOAD_JVM_OPTS SERVER_CPU [0] LOAD_CPU [1] STARTUP_TIMEOUT [60] SKIP_BUILD=1  as lib.sh
#   SAMPLE_ARGS     more arguments for the sample in both modes, e.g. --spring.threads.virtual.enabled=true
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# SMOKE=1: lib.sh shortens the rounds and the echo loads; these are the HTTP load's
if [[ ${SMOKE:-0} == 1 ]]; then
  HTTP_WARMUP=${HTTP_WARMUP:-1s}
  WARMUP_ROUND=${WARMUP_ROUND:-1s}
  WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
fi
# the HTTP path warms up more slowly than the echoes (run-http.sh gives it up to 40 s on its own)
HTTP_WARMUP=${HTTP_WARMUP:-20s}
WARMUP_ROUND=${WARMUP_ROUND:-2s}
STABLE=${STABLE:-0.05}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
MESSAGE_BYTES=${MESSAGE_BYTES:-64}
MODES=(on off)
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
# OFF listens on the same ports shifted by this much; the sample's other servers on any free port
OFF_SHIFT=10000
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
declare -A OFF_TCP_PORTS=([echo]=0 [fast-echo]=0)
OFF_TCP_PORTS[$TCP_SERVER]=$((TCP_PORT + OFF_SHIFT))
OFF_PORTS="--server.port=$((MANAGEMENT_PORT + OFF_SHIFT)) --qtserver.tcp.echo.port=${OFF_TCP_PORTS[echo]}"
OFF_PORTS+=" --qtserver.tcp.fast-echo.port=${OFF_TCP_PORTS[fast-echo]} --qtserver.tcp.tls-echo.port=0"
OFF_PORTS+=" --qtserver.websocket.chat.port=0 --qtserver.websocket.ws-echo.port=$((WS_PORT + OFF_SHIFT))"
OFF_PORTS+=" --qtserver.websocket.secure-chat.port=0 --qtserver.http.web.listeners[0].port=$((HTTP_PORT + OFF_SHIFT))"
OFF_PORTS+=" --qtserver.http.web.listeners[1].port=0 --qtserver.http.web.listeners[1].ssl.bundle=dev"
declare -A MODE_ARGS=([on]="" [off]="--spring.autoconfigure.exclude=$OFF_EXCLUDE $OFF_PORTS")
declare -A SHIFT=([on]=0 [off]=$OFF_SHIFT)

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

# ports_open SHIFT : whether the four ports of a mode accept connections
ports_open() {
  port_open $(($1 + TCP_PORT)) && port_open $(($1 + WS_PORT)) && port_open $(($1 + HTTP_PORT)) \
    && port_open $(($1 + MANAGEMENT_PORT))
}

# the HTTP status of an actuator path on a mode's management port
actuator_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$(($1 + MANAGEMENT_PORT))/actuator/$2" \
    || echo none
}

# whether the sample runs in MODE: on binds the starter's meters; off has no metrics endpoint at
# all, which Boot gives only when no MeterRegistry bean exists
mode_checked() {
  if [[ $1 == on ]]; then
    MODE_CHECK="metrics/qtserver.bytes.received answers $(actuator_status 0 metrics/qtserver.bytes.received)"
    [[ $MODE_CHECK == *200 ]]
  else
    MODE_CHECK="metrics answers $(actuator_status $OFF_SHIFT metrics)"
    [[ $MODE_CHECK == *404 ]]
  fi
}

# start_mode MODE : the sample in MODE, checked; its PID into PID_OF[MODE] (launch_server)
start_mode() {
  local mode=$1 shift=${SHIFT[$1]} status=0
  # shellcheck disable=SC2086
  launch_server "$mode" $((shift + HTTP_PORT)) $SAMPLE_CMD ${MODE_ARGS[$mode]}
  await_server "$mode" ports_open "$shift" || status=$?
  if (( status != 0 )); then
    tail -n 30 "$WORK/$mode.log" >&2
    die "$mode: the sample did not listen on $((shift + TCP_PORT)), $((shift + WS_PORT)), $((shift + HTTP_PORT))" \
      "and $((shift + MANAGEMENT_PORT))"
  fi
  mode_checked "$mode" || die "$mode: the sample is not in that mode: /actuator/$MODE_CHECK"
  answers_plaintext $((shift + HTTP_PORT)) || die "$mode: wrong answer to GET $PLAINTEXT_PATH: $ANSWER"
  log "$mode: sample listening (pid $SERVER_PID, CPU $SERVER_CPU, ports + $shift); /actuator/$MODE_CHECK"
}

# window WORK MODE ROUND : one window of WORK against MODE's JVM into RESULT["MODE ROUND WORK"]; the
# first round warms the JVM up for the work, the others only reconnect (HTTP: one round of the load)
window() {
  local work=$1 mode=$2 round=$3 shift=${SHIFT[$2]} warmup=$ROUND_WARMUP
  SERVER_PID=${PID_OF[$mode]}
  case $work in
    tcp)
      first_round "$round" && warmup=$WARMUP
      LOAD_CLASS=TcpEchoLoad LOAD_ARGS=(--line-bytes "$MESSAGE_BYTES") CONNECTION_NOUN=connections
      measure_load "$mode $round tcp" $((shift + TCP_PORT)) "$warmup" ;;
    websocket)
      first_round "$round" && warmup=$WARMUP
      LOAD_CLASS=WebSocketEchoLoad LOAD_ARGS=(--path "$WS_PATH" --message-bytes "$MESSAGE_BYTES")
      CONNECTION_NOUN=sessions
      measure_load "$mode $round websocket" $((shift + WS_PORT)) "$warmup" ;;
    http)
      if first_round "$round"; then
        measure_http_load "$mode $round" $((shift + HTTP_PORT)) wrk "$HTTP_WARMUP" "$WARMUP_ROUND"
      else
        measure_http_load "$mode $round" $((shift + HTTP_PORT)) wrk "$ROUND_WARMUP" "$ROUND_WARMUP"
      fi
      RESULT["$mode $round http"]=${RESULT["$mode $round wrk"]} ;;
  esac
}

# the RESULT fields of each work: throughput, CPU per operation, and what must be 0
declare -A RATE_FIELD=([tcp]=msgs_per_sec [websocket]=msgs_per_sec [http]=reqs_per_sec)
declare -A CPU_FIELD=([tcp]=server_cpu_us_per_msg [websocket]=server_cpu_us_per_msg [http]=server_cpu_us_per_req)
declare -A ZERO_FIELDS=([tcp]="mismatches errors lost" [websocket]="mismatches errors lost" [http]="non2xx errors")
read -r -a WORKS <<< "${WORKS:-tcp websocket http}"
for work in "${WORKS[@]}"; do
  [[ -n ${RATE_FIELD[$work]:-} ]] || die "WORKS takes tcp, websocket and http, not $work"
done
runs() { [[ " ${WORKS[*]} " == *" $1 "* ]]; }

report() {
  local row='%-10s %-5s %-6s %12s %12s %10s\n' work mode round res
  echo
  echo "Metrics and observations ON (the sample as it ships) vs OFF (--spring.autoconfigure.exclude of Boot's" \
    "metrics and observation auto-configurations); TCP $TCP_SERVER and WebSocket ws-echo: $CONNECTIONS" \
    "connections x $INFLIGHT in flight, ${MESSAGE_BYTES}-byte messages; HTTP GET $PLAINTEXT_PATH: wrk," \
    "$WRK_CONNECTIONS connections; window $DURATION after warm-up; server on CPU $SERVER_CPU, load on CPU $LOAD_CPU;" \
    "both modes side by side, $(launches_text)$ROUNDS rounds of one window each, taking turns"
  # shellcheck disable=SC2059
  printf "$row" work mode round ops/s cpu_us/op other_cpu
  for work in "${WORKS[@]}"; do
    for mode in "${MODES[@]}"; do
      for ((round = 1; round <= ALL_ROUNDS; round++)); do
        res=${RESULT["$mode $round $work"]}
        # shellcheck disable=SC2059
        printf "$row" "$work" "$mode" "$round" "$(result_field "$res" "${RATE_FIELD[$work]}")" \
          "$(result_field "$res" "${CPU_FIELD[$work]}")" "$(result_field "$res" other_cpu_util)"
      done
      # shellcheck disable=SC2059
      printf "$row" "$work" "$mode" median "$(median "${RATE_FIELD[$work]}" "$mode %d $work")" \
        "$(median "${CPU_FIELD[$work]}" "$mode %d $work")" -
    done
  done
  for work in "${WORKS[@]}"; do
    echo
    echo "$work on/off: $PAIRED_LEGEND"
    paired_line "  " throughput "${RATE_FIELD[$work]}" ">=" 0.97 "on %d $work" "off %d $work"
    paired_line "  " "server CPU per operation" "${CPU_FIELD[$work]}" "<=" 1.031 "on %d $work" "off %d $work"
  done
  echo
  local keys=()
  for work in "${WORKS[@]}"; do
    for mode in "${MODES[@]}"; do
      for ((round = 1; round <= ALL_ROUNDS; round++)); do keys+=("$mode $round $work"); done
    done
  done
  warn_busy_windows "${keys[@]}"
}

passed() {
  local work mode field round
  for work in "${WORKS[@]}"; do
    for mode in "${MODES[@]}"; do
      for ((round = 1; round <= ALL_ROUNDS; round++)); do
        for field in ${ZERO_FIELDS[$work]}; do
          [[ $(result_field "${RESULT["$mode $round $work"]}" "$field") == 0 ]] || return 1
        done
      done
    done
  done
}

# metrics_launch : start both modes, every work's rounds, stop them
metrics_launch() {
  local mode work
  for mode in "${MODES[@]}"; do
    start_mode "$mode"
  done
  await_quiet
  for work in "${WORKS[@]}"; do
    log "work $work"
    # on, off; off, on; ...: a drift over the rounds weighs on both modes alike
    take_turns "window $work" "${MODES[@]}"
  done
  if runs tcp; then
    log "on: qtserver.bytes.received of $TCP_SERVER after its loads: $(curl -s --max-time 5 \
      "http://127.0.0.1:$MANAGEMENT_PORT/actuator/metrics/qtserver.bytes.received?tag=server:$TCP_SERVER" \
      | grep -o '"value":[0-9.E]*' || echo none)"
  fi
  stop_servers
}

preflight
build
each_launch metrics_launch
report
passed || { log "FAIL: a reply mismatched or was lost, a request failed, or a connection failed (see above)"; exit 1; }
