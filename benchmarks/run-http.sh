#!/usr/bin/env bash
# HTTP GET /plaintext, answered with 200, text/plain and "Hello, World!": the sample app's annotated
# @Route (HTTP server `web`, port 8081) against raw Reactor Netty in both idioms (RawHttpServer
# --idiom string, then --idiom zero-copy) and against Spring WebFlux (WebFluxPlaintextServer), measured
# in one invocation so the ratios are taken under the same machine conditions. See benchmarks/README.md.
#
# For each server in turn: start it as its own JVM pinned to CPU $SERVER_CPU, wait for its port and
# check its answer with curl over HTTP/1.1 and h2c; then, for each load, run HttpLoad pinned to CPU
# $LOAD_CPU: wrk at each of $WRK_CONNECTIONS connections, then h2load over h2c. Each load warms up in
# rounds of itself until three rounds agree, then measures a fixed window (HttpLoad reads the server's
# CPU time from /proc/PID/stat at its edges); stop the server by PID. The sample has no HTTP server
# yet: when it does not answer GET /plaintext on $SAMPLE_PORT once it has started (or within
# STARTUP_TIMEOUT), its row says so and the baselines are measured all the same. The helpers (build,
# start and stop by PID, port waiting) are lib.sh's.
#
# Environment (defaults in brackets):
#   DURATION [10s]  the measured window of each load
#   WARMUP [40s] WARMUP_ROUND [2s] STABLE [0.05]  warm-up rounds until three in a row are within STABLE
#                   of each other in req/s, for at most WARMUP per load
#   WRK_CONNECTIONS ["64 256"] WRK_THREADS [1]  one wrk window per connection count
#   H2C [true] H2_CONNECTIONS [64] H2_STREAMS [10] H2_THREADS [1]  the h2load window (false skips it)
#   JVM_OPTS        flags of every server JVM [-Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch
#                   -Dreactor.netty.ioWorkerCount=1]
#   LOAD_JVM_OPTS   flags of the HttpLoad JVM, which only waits for wrk or h2load [-Xms256m -Xmx256m]
#   SAMPLE_PORT [8081] RAW_PORT [9105] WEBFLUX_PORT [9106] SERVER_CPU [0] LOAD_CPU [1]
#   STARTUP_TIMEOUT [60]  seconds a server may take to listen (the sample: to answer, or to start)
#   SAMPLE_CMD      what follows `java $JVM_OPTS` to start the server under test
#                   [-jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --sample.dev-tls=sample-app/dev-tls];
#                   set it to measure something else (then only benchmarks/ is built)
#   SKIP_BUILD=1    use the jars already in target/
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WARMUP=${WARMUP:-40s}
WARMUP_ROUND=${WARMUP_ROUND:-2s}
STABLE=${STABLE:-0.05}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64 256}
WRK_THREADS=${WRK_THREADS:-1}
H2C=${H2C:-true}
H2_CONNECTIONS=${H2_CONNECTIONS:-64}
H2_STREAMS=${H2_STREAMS:-10}
H2_THREADS=${H2_THREADS:-1}
SAMPLE_DEFAULT_PORT=8081
SAMPLE_PORT=${SAMPLE_PORT:-$SAMPLE_DEFAULT_PORT}
RAW_PORT=${RAW_PORT:-9105}
WEBFLUX_PORT=${WEBFLUX_PORT:-9106}
PLAINTEXT_PATH=/plaintext
PLAINTEXT_BODY='Hello, World!'
# the baseline that the ratio columns of the table are taken against: the same work as a @Route
# returning a String (see README, "HTTP")
RATIO_BASE=raw-string

LOG_TAG=run-http
NEEDED_COMMANDS=("curl:Debian: apt-get install curl" "wrk:Debian: apt-get install wrk")
[[ $H2C != true ]] || NEEDED_COMMANDS+=("h2load:Debian: apt-get install nghttp2-client; or H2C=false")
FAIL_MESSAGE="a request was answered with a non-2xx status or failed, or a server answered wrongly"
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
# the baselines in the order they run, with the sample's goals against each, "THROUGHPUT P99" (issue
# 9: at least 0.95x raw Reactor Netty's requests/s, p99 at most 1.1x raw's), "-" where there is none
baseline raw-string "$RAW_PORT" "0.95 1.1" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.RawHttpServer $RAW_PORT --idiom string"
baseline raw-zero-copy "$RAW_PORT" "- -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.RawHttpServer $RAW_PORT --idiom zero-copy"
baseline webflux "$WEBFLUX_PORT" "- -" \
  "-cp $BENCH_JAR dev.qtserver.benchmarks.WebFluxPlaintextServer --server.port=$WEBFLUX_PORT"

# the loads, in the order they run against each server, and HttpLoad's options for each
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

# per server: why it has no figures, if so ("" once measured); per "SERVER LOAD": why that load
# has no figures
declare -A UNMEASURED=() LOAD_MISSING=()
FAILED=0

# the sample is ready once its port is open, and has settled without it once Boot logs that the
# application started (every server of the app is bound by then)
sample_settled() {
  port_open "$SAMPLE_PORT" || grep -qE 'Started [^ ]+ in [0-9.]+ seconds' "$WORK/sample.log"
}

# measure_server NAME PORT : check the answer of the server SERVER_PID, then run every load
measure_server() {
  local name=$1 port=$2 load
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
      measure_http_load "$name" "$port" "$load"
    fi
  done
}

# bench NAME PORT JAVA_ARGS... : lib.sh's run_benchmark runs it for the sample, then for each
# baseline. The sample may have no HTTP server: then it is reported, not measured
bench() {
  local name=$1 port=$2
  shift 2
  if [[ $name != sample ]]; then
    start_server "$name" "$port" "$@"
    measure_server "$name" "$port"
  else
    local status=0
    launch_server sample "$port" "$@"
    await_server sample sample_settled || status=$?
    if port_open "$port"; then
      log "sample listening on $port (pid $SERVER_PID, CPU $SERVER_CPU)"
      measure_server sample "$port"
    elif (( status == 1 )); then
      tail -n 30 "$WORK/sample.log" >&2
      UNMEASURED[sample]="not available (it exited before answering GET $PLAINTEXT_PATH on $port; its log is above)"
    else
      UNMEASURED[sample]="not available (no HTTP server in the sample yet)"
    fi
    [[ -z ${UNMEASURED[sample]} ]] || log "sample: ${UNMEASURED[sample]}"
  fi
  stop_pid "$SERVER_PID"
  log "$name stopped"
}

report() {
  local row='%-14s %-11s %8s %9s %9s %10s %6s %6s %8s %9s %8s %8s %8s %11s\n'
  echo
  echo "HTTP GET $PLAINTEXT_PATH -> 200 text/plain \"$PLAINTEXT_BODY\"; wrk --latency, $WRK_THREADS thread(s)," \
    "h2load $H2_THREADS thread(s) x $H2_STREAMS streams per connection; window $DURATION after a warm-up until" \
    "3 rounds of $WARMUP_ROUND agree within $STABLE (at most $WARMUP); server on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
  echo "ratios per load: /raw to $RATIO_BASE, /webflux to webflux; p50/p99 from wrk only"
  # shellcheck disable=SC2059
  printf "$row" server load req/s p50_us p99_us cpu_us/req non2xx errors warmup_s other_cpu \
    rps/raw cpu/raw p99/raw rps/webflux
  local name load res
  for name in sample "${BASELINES[@]}"; do
    if [[ -n ${UNMEASURED[$name]:-} ]]; then
      echo "$name: ${UNMEASURED[$name]}"
      continue
    fi
    for load in "${LOADS[@]}"; do
      if [[ -n ${LOAD_MISSING["$name $load"]:-} ]]; then
        printf '%-14s %-11s %s\n' "$name" "$load" "${LOAD_MISSING["$name $load"]}"
        continue
      fi
      res=${RESULT["$name $load"]}
      # shellcheck disable=SC2059
      printf "$row" "$name" "$load" "$(result_field "$res" reqs_per_sec)" \
        "$(micros "$(result_field "$res" p50_us)")" "$(micros "$(result_field "$res" p99_us)")" \
        "$(result_field "$res" server_cpu_us_per_req)" "$(result_field "$res" non2xx)" \
        "$(result_field "$res" errors)" "$(result_field "$res" warmup_s)$(stable_mark "$res")" \
        "$(result_field "$res" other_cpu_util)" \
        "$(ratio "$res" "$RATIO_BASE $load" reqs_per_sec)" "$(ratio "$res" "$RATIO_BASE $load" server_cpu_us_per_req)" \
        "$(ratio "$res" "$RATIO_BASE $load" p99_us)" "$(ratio "$res" "webflux $load" reqs_per_sec)"
    done
  done
  if [[ -z ${UNMEASURED[sample]} ]]; then
    for name in "${BASELINES[@]}"; do
      echo
      goals "$name"
    done
  fi
  echo
  for name in sample "${BASELINES[@]}"; do
    for load in "${LOADS[@]}"; do
      res=${RESULT["$name $load"]:-}
      [[ -n $res ]] || continue
      if awk -v o="$(result_field "$res" other_cpu_util)" 'BEGIN { exit !(o > 0.10) }'; then
        echo "WARNING: other processes used $(result_field "$res" other_cpu_util) of a core during the $name $load window; rerun on a quiet machine"
      fi
      if [[ $(result_field "$res" warmup_errors) != 0 ]]; then
        echo "NOTE: $(result_field "$res" warmup_errors) socket errors or timeouts in the warm-up of $name $load (not counted: a cold server may stall past wrk's 2 s timeout)"
      fi
    done
  done
  [[ $(grep -c 'warmup_stable=false' <<< "$(printf '%s\n' "${RESULT[@]}")") == 0 ]] \
    || echo "NOTE: warmup_s marked * did not settle within WARMUP; those windows may still include JIT warm-up"
}

# a latency in microseconds, or "-" where the tool reports none (h2load)
micros() { awk -v v="$1" 'BEGIN { if (v < 0) print "-"; else printf "%.0f", v }'; }

stable_mark() { [[ $(result_field "$1" warmup_stable) == true ]] || echo '*'; }

# ratio RESULT "SERVER LOAD" FIELD : RESULT's FIELD over that of SERVER's LOAD, or "-"
ratio() {
  local other=${RESULT["$2"]:-}
  [[ -n $other ]] || { echo -; return; }
  awk -v a="$(result_field "$1" "$3")" -v b="$(result_field "$other" "$3")" \
    'BEGIN { if (a < 0 || b <= 0) print "-"; else printf "%.3f", a / b }'
}

# goals BASELINE : per load, sample/BASELINE for throughput, p99 and CPU per request, with the goals
goals() {
  local b=$1 goal_t goal_p load s r
  read -r goal_t goal_p <<< "${BASELINE_GOALS[$b]}"
  echo "sample/$b:"
  for load in "${LOADS[@]}"; do
    s=${RESULT["sample $load"]:-}
    r=${RESULT["$b $load"]:-}
    if [[ -z $s || -z $r ]]; then
      echo "  $load: n/a"
      continue
    fi
    awk -v load="$load" -v gt="$goal_t" -v gp="$goal_p" \
        -v st="$(result_field "$s" reqs_per_sec)" -v rt="$(result_field "$r" reqs_per_sec)" \
        -v sp="$(result_field "$s" p99_us)" -v rp="$(result_field "$r" p99_us)" \
        -v sc="$(result_field "$s" server_cpu_us_per_req)" -v rc="$(result_field "$r" server_cpu_us_per_req)" \
        -v indent="    " "$GOAL_AWK"'
      BEGIN {
        print "  " load ":"
        line("throughput", ratio(st, rt), ">=", gt)
        line("p99 latency", ratio(sp, rp), "<=", gp)
        line("server CPU per request", ratio(sc, rc), "<=", "-")
      }'
  done
}

passed() {
  local res
  (( FAILED == 0 )) || return 1
  for res in "${RESULT[@]}"; do
    [[ $(result_field "$res" non2xx) == 0 && $(result_field "$res" errors) == 0 ]] || return 1
  done
}

run_benchmark
