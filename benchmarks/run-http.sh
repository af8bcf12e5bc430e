#!/usr/bin/env bash
# HTTP GET /plaintext, answered with 200, text/plain and "Hello, World!": the sample app's annotated
# @Route (HTTP server `web`, port 8081) against raw Reactor Netty in both idioms (RawHttpServer
# --idiom string and --idiom zero-copy), against raw Reactor Netty written by hand to give the sample's
# answer and request timer (--idiom string --features sample) and against Spring WebFlux
# (WebFluxPlaintextServer), measured
# side by side in one invocation so the ratios are taken under the same machine conditions. See
# benchmarks/README.md.
#
# All servers run at once, each its own JVM pinned to CPU $SERVER_CPU on a port of its own; each is
# checked with curl over HTTP/1.1 and h2c. Then, per load (wrk at each of $WRK_CONNECTIONS
# connections, h2load over h2c, then HTTP/1.1 at a fixed rate below saturation, whose figure is the
# CPU per request), HttpLoad pinned to CPU $LOAD_CPU takes turns between them:
# ROUNDS rounds of one window per server (sample, raw-string, raw-zero-copy, raw-as-sample, webflux;
# then backwards).
# A server's first window of a load warms it up in rounds of that load until three agree (at most
# WARMUP), its later ones after ROUND_WARMUP; HttpLoad reads the server's CPU time from /proc/PID/stat
# at the window's edges. The goal lines are the medians of the rounds' ratios: a slow phase of the
# machine, which can last minutes here, weighs on both sides of a round's ratio. The servers are
# stopped by PID. When the sample does not answer GET /plaintext on $SAMPLE_PORT once it has started
# (or within STARTUP_TIMEOUT), its row says so and the baselines are measured all the same. The
# helpers (build, start and stop by PID, port waiting, rounds, medians) are lib.sh's.
#
# Environment (defaults in brackets):
#   ROUNDS [5]      windows per server and load, the servers taking turns
#   LAUNCHES [1]    how many times the servers start, in fresh JVMs, for ROUNDS rounds each (lib.sh)
#   DURATION [5s]   each window
#   WARMUP [40s] WARMUP_ROUND [2s] STABLE [0.05]  before a server's first window of a load: warm-up
#                   rounds until three in a row are within STABLE of each other in req/s, for at
#                   most WARMUP
#   ROUND_WARMUP [1s]  before its later windows: one round of the load (at least 1s)
#   SMOKE=1         two rounds of 2s, wrk at 8 and 16 connections, h2load at 4 x 10 streams, 3s of
#                   warm-up at most: checks the harness, not the figures
#   WRK_CONNECTIONS ["64 256"] WRK_THREADS [1]  one wrk load per connection count
#   H2C [true] H2_CONNECTIONS [64] H2_STREAMS [10] H2_THREADS [1]  the h2load load (false skips it)
#   RATE [true] RATE_CONNECTIONS [64] RATE_PER_CONNECTION [1000]  h2load --h1 --rps: HTTP/1.1 at a
#                   fixed rate (64,000 requests/s by default, about 40 % of a core for raw), where
#                   every server wakes the load alike and CPU per request compares the servers' own
#                   work; its throughput and p99 have no goal (false skips it)
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the HttpLoad JVM, which only waits for wrk or h2load [-Xms256m -Xmx256m]
#   SAMPLE_PORT [8081] RAW_PORT [9105]: raw-string on RAW_PORT, raw-zero-copy on RAW_PORT + 1
#   AS_SAMPLE_PORT [9108]: raw-as-sample; WEBFLUX_PORT [9107] SERVER_CPU [0] LOAD_CPU [1]
#   STARTUP_TIMEOUT [60]  seconds a server may take to listen (the sample: to answer, or to start)
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls];
#                   set it to measure something else (then only benchmarks/ is built)
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ ${SMOKE:-0} == 1 ]]; then
  WARMUP=${WARMUP:-3s}
  WARMUP_ROUND=${WARMUP_ROUND:-1s}
  WRK_CONNECTIONS=${WRK_CONNECTIONS:-8 16}
  H2_CONNECTIONS=${H2_CONNECTIONS:-4}
  RATE_CONNECTIONS=${RATE_CONNECTIONS:-8}
  RATE_PER_CONNECTION=${RATE_PER_CONNECTION:-200}
fi
# the HTTP path warms up more slowly than the echoes
WARMUP=${WARMUP:-40s}
WARMUP_ROUND=${WARMUP_ROUND:-2s}
STABLE=${STABLE:-0.05}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64 256}
WRK_THREADS=${WRK_THREADS:-1}
H2C=${H2C:-true}
H2_CONNECTIONS=${H2_CONNECTIONS:-64}
H2_STREAMS=${H2_STREAMS:-10}
H2_THREADS=${H2_THREADS:-1}
RATE=${RATE:-true}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
RATE_PER_CONNECTION=${RATE_PER_CONNECTION:-1000}
SAMPLE_DEFAULT_PORT=8081
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9105}
WEBFLUX_PORT=${WEBFLUX_PORT:-9107}
AS_SAMPLE_PORT=${AS_SAMPLE_PORT:-9108}
PLAINTEXT_PATH=/plaintext
PLAINTEXT_BODY='Hello, World!'
# the baseline that the ratio columns of the table are taken against: the same work as a @Route
# returning a String (see README, "HTTP")
RATIO_BASE=raw-string

LOG_TAG=run-http
NEEDED_COMMANDS=("curl:Debian: apt-get install curl" "wrk:Debian: apt-get install wrk")
[[ $H2C != true && $RATE != true ]] || NEEDED_COMMANDS+=("h2load:Debian: apt-get install nghttp2-client; or H2C=false RATE=false")
# no idle step here: preflight's open-file check then asks for its 1,000 spare descriptors only
IDLE_CONNECTIONS=0
CONNECTION_NOUN=connections
# shellcheck source=lib.sh
source "$ROOT/benchmarks/lib.sh"

# the sample's HTTP server `web` listens on 8081 (its first listener; 8443 is https); only another
# port needs the property. It names the listener: with listeners, the server's own port is unused.
# Spring Boot binds a list from one property source, so the command line's list replaces the
# application.yml's whole: the sample then has its plain listener only, the one measured here
sample_command "$SAMPLE_DEFAULT_PORT" "qtserver.http.web.listeners[0].port"
# the baselines in the order they take turns after the sample, on ports of their own, with the sample's
# goals against each, "THROUGHPUT P99" (issue 9: at least 0.95x raw Reactor Netty's requests/s, p99 at
# most 1.1x raw's), "-" where there is none
baseline raw-string "$RAW_PORT" "0.95 1.1" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.RawHttpServer $RAW_PORT --idiom string"
baseline raw-zero-copy $((RAW_PORT + 1)) "- -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.RawHttpServer $((RAW_PORT + 1)) --idiom zero-copy"
# raw Reactor Netty with what the sample's answer carries besides the body (a keep-alive timeout and
# its header, the charset, a request timer), each written the cheapest way: no goal, it tells what
# those features cost when written by hand
baseline raw-as-sample "$AS_SAMPLE_PORT" "- -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.RawHttpServer $AS_SAMPLE_PORT --idiom string --features sample"
baseline webflux "$WEBFLUX_PORT" "- -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.WebFluxPlaintextServer --server.port=$WEBFLUX_PORT"

# the loads, in the order they run, and HttpLoad's options for each
LOADS=()
declare -A LOAD_OPTIONS=()
for c in $WRK_CONNECTIONS; do
  LOADS+=("wrk-c$c")
  LOAD_OPTIONS[wrk-c$c]="--tool wrk --connections $c --threads $WRK_THREADS"
done
if [[ $H2C == true ]]; then
  H2C_LOAD="h2c-c${H2_CONNECTIONS}m$H2_STREAMS"
  LOADS+=("$H2C_LOAD")
  LOAD_OPTIONS[$H2C_LOAD]="--tool h2load --connections $H2_CONNECTIONS --streams $H2_STREAMS --threads $H2_THREADS"
fi
# last: the servers are warm by then, and its warm-up is stable at once (the rate is fixed)
if [[ $RATE == true ]]; then
  RATE_LOAD="h1-rate-c${RATE_CONNECTIONS}r$RATE_PER_CONNECTION"
  LOADS+=("$RATE_LOAD")
  LOAD_OPTIONS[$RATE_LOAD]="--tool h1-rate --connections $RATE_CONNECTIONS --rate $RATE_PER_CONNECTION --threads 1"
fi

# per server: why it has no figures, if so ("" once it answered); per "SERVER LOAD": why that load
# has none; per load, the servers that take turns under it, in the table's order
declare -A UNMEASURED=() LOAD_MISSING=() TAKING_TURNS=()
FAILED=0

# the sample is ready once its port is open, and has settled without it once Boot logs that the
# application started (every server of the app is bound by then)
sample_settled() {
  port_open "$SAMPLE_PORT" || grep -qE 'Started [^ ]+ in [0-9.]+ seconds' "$WORK/sample.log"
}

# start_sample : the sample may have no HTTP server; then it is stopped and reported, not measured
start_sample() {
  local status=0
  # word-split on purpose: the command is java's arguments
  # shellcheck disable=SC2086
  launch_server sample "$SAMPLE_PORT" $SAMPLE_CMD
  await_server sample sample_settled || status=$?
  if port_open "$SAMPLE_PORT"; then
    log "sample listening on $SAMPLE_PORT (pid $SERVER_PID, CPU $SERVER_CPU)"
    return
  elif (( status == 1 )); then
    tail -n 30 "$WORK/sample.log" >&2
    UNMEASURED[sample]="not available (it exited before answering GET $PLAINTEXT_PATH on $SAMPLE_PORT; its log is above)"
  else
    UNMEASURED[sample]="not available (no HTTP server in the sample yet)"
  fi
  log "sample: ${UNMEASURED[sample]}"
  stop_pid "$SERVER_PID"
}

# check_server NAME : whether the server answers GET /plaintext over HTTP/1.1 and h2c; adds it to the
# turns of every load it answers
check_server() {
  local name=$1 port=${PORT_OF[$1]} load
  [[ -z ${UNMEASURED[$name]:-} ]] || return 0
  if ! answers_plaintext "$port"; then
    UNMEASURED[$name]="wrong answer to GET $PLAINTEXT_PATH: $ANSWER"
    log "FAIL: $name: ${UNMEASURED[$name]}"
    FAILED=1
    return
  fi
  log "$name answers $ANSWER"
  UNMEASURED[$name]=""
  local h2c_ok=1
  if [[ $H2C == true ]]; then
    if answers_plaintext "$port" --http2-prior-knowledge && [[ $ANSWER == *" HTTP/2 "* ]]; then
      log "$name answers over h2c: $ANSWER"
    else
      h2c_ok=0
      log "$name does not answer GET $PLAINTEXT_PATH over h2c (prior knowledge): $ANSWER"
    fi
  fi
  for load in "${LOADS[@]}"; do
    if [[ $load == "${H2C_LOAD:-}" && $h2c_ok == 0 ]]; then
      LOAD_MISSING["$name $load"]="no answer over h2c"
    else
      TAKING_TURNS[$load]+="${TAKING_TURNS[$load]:+ }$name"
    fi
  done
}

# http_window LOAD NAME ROUND : one window of LOAD against the server NAME into
# RESULT["NAME ROUND LOAD"]; its first window of the load warms it up until stable, the later ones
# only reconnect and run one short round
http_window() {
  local load=$1 name=$2 round=$3
  SERVER_PID=${PID_OF[$name]}
  if first_round "$round"; then
    measure_http_load "$name $round" "${PORT_OF[$name]}" "$load" "$WARMUP" "$WARMUP_ROUND"
  else
    measure_http_load "$name $round" "${PORT_OF[$name]}" "$load" "$ROUND_WARMUP" "$ROUND_WARMUP"
  fi
}

report() {
  local row='%-14s %-11s %6s %8s %9s %9s %10s %6s %6s %8s %9s %8s %8s %8s %11s
'
  local load name round res key all=()
  echo
  echo "HTTP GET $PLAINTEXT_PATH -> 200 text/plain \"$PLAINTEXT_BODY\"; wrk --latency, $WRK_THREADS thread(s)," \
    "h2load $H2_THREADS thread(s) x $H2_STREAMS streams per connection; h1-rate: h2load --h1 at $RATE_PER_CONNECTION requests/s per connection; all servers side by side on CPU $SERVER_CPU," \
    "load on CPU $LOAD_CPU; per load $(launches_text)$ROUNDS rounds taking turns (odd: sample ${BASELINES[*]}; even: backwards)," \
    "one window of $DURATION per server and round, after a warm-up until 3 rounds of $WARMUP_ROUND agree within" \
    "$STABLE (at most $WARMUP) in a server's first window of a load and $ROUND_WARMUP in the others"
  echo "ratios: /raw to $RATIO_BASE, /webflux to webflux, in the same round (median rows: ratio of the medians);" \
    "p50/p99 from wrk only"
  # shellcheck disable=SC2059
  printf "$row" server load round req/s p50_us p99_us cpu_us/req non2xx errors warmup_s other_cpu \
    rps/raw cpu/raw p99/raw rps/webflux
  for name in sample "${BASELINES[@]}"; do
    [[ -z ${UNMEASURED[$name]:-} ]] || echo "$name: ${UNMEASURED[$name]}"
  done
  for load in "${LOADS[@]}"; do
    for name in sample "${BASELINES[@]}"; do
      [[ -z ${UNMEASURED[$name]:-} ]] || continue
      if [[ -n ${LOAD_MISSING["$name $load"]:-} ]]; then
        printf '%-14s %-11s %s\n' "$name" "$load" "${LOAD_MISSING["$name $load"]}"
        continue
      fi
      for ((round = 1; round <= ALL_ROUNDS; round++)); do
        key="$name $round $load"
        res=${RESULT[$key]}
        all+=("$key")
        # shellcheck disable=SC2059
        printf "$row" "$name" "$load" "$round" "$(result_field "$res" reqs_per_sec)" \
          "$(micros "$(result_field "$res" p50_us)")" "$(micros "$(result_field "$res" p99_us)")" \
          "$(result_field "$res" server_cpu_us_per_req)" "$(result_field "$res" non2xx)" \
          "$(result_field "$res" errors)" "$(result_field "$res" warmup_s)$(stable_mark "$res" "$round")" \
          "$(result_field "$res" other_cpu_util)" \
          "$(round_ratio "$key" "$RATIO_BASE $round $load" reqs_per_sec)" \
          "$(round_ratio "$key" "$RATIO_BASE $round $load" server_cpu_us_per_req)" \
          "$(round_ratio "$key" "$RATIO_BASE $round $load" p99_us)" \
          "$(round_ratio "$key" "webflux $round $load" reqs_per_sec)"
      done
      # shellcheck disable=SC2059
      printf "$row" "$name" "$load" median "$(median reqs_per_sec "$name %d $load")" \
        "$(micros "$(median p50_us "$name %d $load")")" "$(micros "$(median p99_us "$name %d $load")")" \
        "$(median server_cpu_us_per_req "$name %d $load")" - - - - \
        "$(median_ratio "$name" "$RATIO_BASE" "$load" reqs_per_sec)" \
        "$(median_ratio "$name" "$RATIO_BASE" "$load" server_cpu_us_per_req)" \
        "$(median_ratio "$name" "$RATIO_BASE" "$load" p99_us)" \
        "$(median_ratio "$name" webflux "$load" reqs_per_sec)"
    done
  done
  if [[ -z ${UNMEASURED[sample]} ]]; then
    for name in "${BASELINES[@]}"; do
      echo
      goals "$name"
    done
  fi
  echo
  warn_busy_windows "${all[@]}"
  for key in "${all[@]}"; do
    if [[ $(result_field "${RESULT[$key]}" warmup_errors) != 0 ]]; then
      echo "NOTE: $(result_field "${RESULT[$key]}" warmup_errors) socket errors or timeouts in the warm-up of $key (not counted: a cold server may stall past wrk's 2 s timeout)"
    fi
  done
  for key in "${all[@]}"; do
    if [[ $key == *" 1 "* && $(result_field "${RESULT[$key]}" warmup_stable) == false ]]; then
      echo "NOTE: warmup_s marked * did not settle within WARMUP; those windows may still include JIT warm-up"
      break
    fi
  done
}

# a latency in microseconds, or "-" where the tool reports none (h2load)
micros() { awk -v v="$1" 'BEGIN { if (v < 0) print "-"; else printf "%.0f", v }'; }

# a first window's warm-up that did not settle within WARMUP; later windows run one round on purpose
stable_mark() { [[ $2 != 1 || $(result_field "$1" warmup_stable) == true ]] || echo '*'; }

# round_ratio KEY OTHER_KEY FIELD : FIELD of RESULT[KEY] over that of RESULT[OTHER_KEY], or "-"
round_ratio() {
  local other=${RESULT["$2"]:-}
  [[ -n $other ]] || { echo -; return; }
  awk -v a="$(result_field "${RESULT[$1]}" "$3")" -v b="$(result_field "$other" "$3")" \
    'BEGIN { if (a < 0 || b <= 0) print "-"; else printf "%.3f", a / b }'
}

# median_ratio NAME OTHER LOAD FIELD : NAME's median of FIELD under LOAD over OTHER's, or "-"
median_ratio() {
  [[ -n ${RESULT["$2 1 $3"]:-} ]] || { echo -; return; }
  awk -v a="$(median "$4" "$1 %d $3")" -v b="$(median "$4" "$2 %d $3")" \
    'BEGIN { if (a < 0 || b <= 0) print "-"; else printf "%.3f", a / b }'
}

# goals BASELINE : per load, sample/BASELINE for throughput, p99 and CPU per request over the rounds,
# with the goals
goals() {
  local b=$1 goal_t goal_p load
  read -r goal_t goal_p <<< "${BASELINE_GOALS[$b]}"
  echo "sample/$b: $PAIRED_LEGEND"
  for load in "${LOADS[@]}"; do
    if [[ -z ${RESULT["sample 1 $load"]:-} || -z ${RESULT["$b 1 $load"]:-} ]]; then
      echo "  $load: n/a"
      continue
    fi
    echo "  $load:"
    if [[ $load == "${RATE_LOAD:-}" ]]; then
      # the rate is the load's: only the CPU per request tells the servers apart
      paired_line "    " throughput reqs_per_sec ">=" - "sample %d $load" "$b %d $load"
      paired_line "    " "p99 latency" p99_us "<=" - "sample %d $load" "$b %d $load"
    else
      paired_line "    " throughput reqs_per_sec ">=" "$goal_t" "sample %d $load" "$b %d $load"
      paired_line "    " "p99 latency" p99_us "<=" "$goal_p" "sample %d $load" "$b %d $load"
    fi
    paired_line "    " "server CPU per request" server_cpu_us_per_req "<=" - "sample %d $load" "$b %d $load"
  done
}

passed() {
  local res
  (( FAILED == 0 )) || return 1
  for res in "${RESULT[@]}"; do
    [[ $(result_field "$res" non2xx) == 0 && $(result_field "$res" errors) == 0 ]] || return 1
  done
}

# http_launch : start every server, check it answers, every load's rounds, stop them
http_launch() {
  local name load names
  start_sample
  start_baselines
  await_quiet
  for name in sample "${BASELINES[@]}"; do
    check_server "$name"
  done
  for load in "${LOADS[@]}"; do
    log "load $load"
    read -r -a names <<< "${TAKING_TURNS[$load]:-}"
    (( ${#names[@]} == 0 )) || take_turns "http_window $load" "${names[@]}"
  done
  stop_servers
}

preflight
build
each_launch http_launch
report
passed || { log "FAIL: a request was answered with a non-2xx status or failed, or a server answered wrongly (see above)"; exit 1; }
