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
# sides of a round's ratio. The report's goal line is the median of the rounds' ratios. Before the
# loads the script checks through each JVM's actuator that its mode is what it says (ON: the
# metrics endpoint has qtserver.bytes.received; OFF: there is no metrics endpoint at all). The
# steps are lib.sh's.
#
# Environment (defaults in brackets):
#   SMOKE=1         two rounds of a few seconds, to check that the harness works (figures mean nothing)
#   ROUNDS [5]      windows per mode and work, the modes taking turns
#   DURATION [5s]   each window; WARMUP [5s] before a work's first window on a JVM, ROUND_WARMUP
#                   [1s] before the others
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

if [[ ${SMOKE:-0} == 1 ]]; then
  DURATION=${DURATION:-2s}
  WARMUP=${WARMUP:-1s}
  HTTP_WARMUP=${HTTP_WARMUP:-1s}
  WARMUP_ROUND=${WARMUP_ROUND:-1s}
  CONNECTIONS=${CONNECTIONS:-8}
  INFLIGHT=${INFLIGHT:-4}
  WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
  ROUNDS=${ROUNDS:-2}
fi
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-5}
ROUND_WARMUP=${ROUND_WARMUP:-1s}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "[run-metrics] ERROR: ROUNDS must be a positive number" >&2; exit 1; }
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
declare -A MODE_PID=()

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

# start_mode MODE : the sample in MODE, checked; its PID into MODE_PID[MODE]
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
  MODE_PID[$mode]=$SERVER_PID
  log "$mode: sample listening (pid $SERVER_PID, CPU $SERVER_CPU, ports + $shift); /actuator/$MODE_CHECK"
}

# window MODE ROUND WORK : one window of WORK against MODE's JVM into RESULT["MODE ROUND WORK"];
# the first round warms the JVM up for the work, the others only reconnect
window() {
  local mode=$1 round=$2 work=$3 shift=${SHIFT[$1]} warmup=$ROUND_WARMUP
  SERVER_PID=${MODE_PID[$mode]}
  case $work in
    tcp)
      (( round == 1 )) && warmup=$WARMUP
      LOAD_CLASS=TcpEchoLoad LOAD_ARGS=(--line-bytes "$MESSAGE_BYTES") CONNECTION_NOUN=connections
      WARMUP=$warmup measure_load "$mode $round tcp" $((shift + TCP_PORT)) ;;
    websocket)
      (( round == 1 )) && warmup=$WARMUP
      LOAD_CLASS=WebSocketEchoLoad LOAD_ARGS=(--path "$WS_PATH" --message-bytes "$MESSAGE_BYTES")
      CONNECTION_NOUN=sessions
      WARMUP=$warmup measure_load "$mode $round websocket" $((shift + WS_PORT)) ;;
    http)
      # a later window warms up with one round of ROUND_WARMUP: with the rounds of WARMUP_ROUND (2s)
      # longer than ROUND_WARMUP (1s), HttpLoad would run none and measure cold connections
      local round_length=$ROUND_WARMUP
      (( round == 1 )) && { warmup=$HTTP_WARMUP; round_length=$WARMUP_ROUND; }
      WARMUP=$warmup WARMUP_ROUND=$round_length measure_http_load "$mode $round" $((shift + HTTP_PORT)) wrk
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

# median WORK MODE FIELD : the median of FIELD over the windows of MODE (the mean of the middle two
# for an even number of rounds)
median() {
  local work=$1 mode=$2 field=$3 round
  for ((round = 1; round <= ROUNDS; round++)); do
    result_field "${RESULT["$mode $round $work"]}" "$field"
  done | sort -g | awk 'NF { v[++n] = $1 } END { if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# paired_ratios WORK FIELD : on/off of FIELD in each round, comma-separated: a round measures both
# modes back to back, so a slow phase of the machine weighs on both sides of its ratio
paired_ratios() {
  local work=$1 field=$2 round on off out=""
  for ((round = 1; round <= ROUNDS; round++)); do
    on=$(result_field "${RESULT["on $round $work"]}" "$field")
    off=$(result_field "${RESULT["off $round $work"]}" "$field")
    out+=${out:+,}$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
  done
  echo "$out"
}

report() {
  local row='%-10s %-5s %-6s %12s %12s %10s\n' work mode round res
  echo
  echo "Metrics and observations ON (the sample as it ships) vs OFF (--spring.autoconfigure.exclude of Boot's" \
    "metrics and observation auto-configurations); TCP $TCP_SERVER and WebSocket ws-echo: $CONNECTIONS" \
    "connections x $INFLIGHT in flight, ${MESSAGE_BYTES}-byte messages; HTTP GET $PLAINTEXT_PATH: wrk," \
    "$WRK_CONNECTIONS connections; window $DURATION after warm-up; server on CPU $SERVER_CPU, load on CPU $LOAD_CPU;" \
    "both modes side by side, $ROUNDS rounds of one window each, taking turns"
  # shellcheck disable=SC2059
  printf "$row" work mode round ops/s cpu_us/op other_cpu
  for work in "${WORKS[@]}"; do
    for mode in ${MODES[*]}; do
      for ((round = 1; round <= ROUNDS; round++)); do
        res=${RESULT["$mode $round $work"]}
        # shellcheck disable=SC2059
        printf "$row" "$work" "$mode" "$round" "$(result_field "$res" "${RATE_FIELD[$work]}")" \
          "$(result_field "$res" "${CPU_FIELD[$work]}")" "$(result_field "$res" other_cpu_util)"
      done
      # shellcheck disable=SC2059
      printf "$row" "$work" "$mode" median "$(median "$work" "$mode" "${RATE_FIELD[$work]}")" \
        "$(median "$work" "$mode" "${CPU_FIELD[$work]}")" -
    done
  done
  echo
  for work in "${WORKS[@]}"; do
    awk -v work="$work" -v indent="  " \
        -v st="$(median "$work" on "${RATE_FIELD[$work]}")" \
        -v rt="$(median "$work" off "${RATE_FIELD[$work]}")" \
        -v sc="$(median "$work" on "${CPU_FIELD[$work]}")" \
        -v rc="$(median "$work" off "${CPU_FIELD[$work]}")" \
        -v pt="$(paired_ratios "$work" "${RATE_FIELD[$work]}")" \
        -v pc="$(paired_ratios "$work" "${CPU_FIELD[$work]}")" "$GOAL_AWK"'
      BEGIN {
        print work " on/off, the median of the rounds (per round: " pt " / " pc "):"
        line("throughput", median(pt), ">=", "0.97")
        line("server CPU per operation", median(pc), "<=", "1.031")
        print work " on/off, the medians of each mode:"
        line("throughput", ratio(st, rt), ">=", "0.97")
        line("server CPU per operation", ratio(sc, rc), "<=", "1.031")
      }
      function median(list,   v, n, i, j, t) {
        n = split(list, v, ",")
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
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
  local work mode field round
  for work in "${WORKS[@]}"; do
    for mode in ${MODES[*]}; do
      for ((round = 1; round <= ROUNDS; round++)); do
        for field in ${ZERO_FIELDS[$work]}; do
          [[ $(result_field "${RESULT["$mode $round $work"]}" "$field") == 0 ]] || return 1
        done
      done
    done
  done
}

preflight
build
for mode in "${MODES[@]}"; do
  start_mode "$mode"
done
for work in "${WORKS[@]}"; do
  for ((round = 1; round <= ROUNDS; round++)); do
    # on, off; off, on; ...: a drift over the rounds weighs on both modes alike
    if (( round % 2 )); then order=(on off); else order=(off on); fi
    for mode in "${order[@]}"; do
      window "$mode" "$round" "$work"
    done
  done
done
if runs tcp; then
  log "on: qtserver.bytes.received of $TCP_SERVER after its loads: $(curl -s --max-time 5 \
    "http://127.0.0.1:$MANAGEMENT_PORT/actuator/metrics/qtserver.bytes.received?tag=server:$TCP_SERVER" \
    | grep -o '"value":[0-9.E]*' || echo none)"
fi
for mode in "${MODES[@]}"; do
  stop_pid "${MODE_PID[$mode]}"
done
report
passed || { log "FAIL: a reply mismatched or was lost, a request failed, or a connection failed (see above)"; exit 1; }
