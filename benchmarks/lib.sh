# Shared by run-tcp.sh and run-websocket.sh, and for its helpers by run-http.sh and
# run-metrics.sh: sourced, never run. See benchmarks/README.md.
#
# The sourcing script is in the repository root (cd "$ROOT") and sets, before sourcing:
#   LOG_TAG          prefix of log lines and of the work directory (run-tcp)
#   LOAD_CLASS       the load generator in dev.qtserver.benchmarks (TcpEchoLoad)
#   LOAD_ARGS        array: the generator's own options (--line-bytes 64)
#   IDLE_ARGS        array: IdleConnections' own options (--websocket /echo), may be empty
#   CONNECTION_NOUN  what a connection is called in logs and the report (connections, sessions)
#   IDLE_CONNECTIONS its default, where that is not 10000
#   SAMPLE_PORT
#   NEEDED_COMMANDS  optional array of "command:how to get it", checked by preflight besides java's
# then, after sourcing: RUN_TITLE (the report's first line: what was echoed, and how), SAMPLE_CMD
# through sample_command, and one `baseline` per server the sample is compared with; and calls
# run_benchmark. The common settings below may be set in the environment. run-http.sh measures
# other figures: it defines its own bench, report and passed, and FAIL_MESSAGE, before calling
# run_benchmark.

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-64}
INFLIGHT=${INFLIGHT:-16}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
IDLE_PER_SOURCE=${IDLE_PER_SOURCE:-2000}
# One Reactor Netty I/O thread: the server owns one core, and the default (at least 4 threads)
# would only time-slice it. Heap fixed and pre-touched so RSS growth is native memory only.
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch -Dreactor.netty.ioWorkerCount=1}
LOAD_JVM_OPTS=${LOAD_JVM_OPTS:--Xms256m -Xmx256m}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}

BENCH_JAR=benchmarks/target/benchmarks.jar
SAMPLE_JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
# where the sample, started in the repository root, finds its development certificate
SAMPLE_DEV_TLS=--sample.dev-tls=sample-app/dev-tls

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$LOG_TAG.XXXXXX")
PIDS=()
# the baselines in the order they run, after the sample; per server name, its RESULT line and
# idle figures
BASELINES=()
declare -A BASELINE_PORT=() BASELINE_CMD=() BASELINE_GOALS=() RESULT=() IDLE=()

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Stop a process we started: TERM, a bounded wait, then KILL.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# "10s", "500ms", "2m" or a bare number of seconds -> whole seconds, rounded up
seconds() {
  local v=$1
  case "$v" in
    *ms) echo $(( (${v%ms} + 999) / 1000 )) ;;
    *s) echo $(( ${v%s} )) ;;
    *m) echo $(( ${v%m} * 60 )) ;;
    *) echo $(( v )) ;;
  esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

fd_count() { ls "/proc/$1/fd" | wc -l; }

# Heap in use in KB, summed over the heap lines of GC.heap_info (G1 prints one, Serial and
# Parallel one per generation); Metaspace is not heap.
heap_used_kb() {
  jcmd "$1" GC.heap_info | awk '
    /Metaspace|class space/ { next }
    { while (match($0, /used [0-9]+K/)) { s += substr($0, RSTART + 5, RLENGTH - 6); $0 = substr($0, RSTART + RLENGTH) } }
    END { print s + 0 }'
}

# A full GC leaves only live objects in the heap; trimming then hands memory that malloc holds
# but nobody uses (JIT compiler arenas, mostly) back to the OS, so RSS shows live native memory.
settle() {
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" System.trim_native_heap > /dev/null 2>&1 || true
}

# field from a "RESULT key=value ..." line
result_field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

preflight() {
  command -v taskset > /dev/null || die "taskset is needed (util-linux)"
  command -v jcmd > /dev/null || die "jcmd is needed (a JDK, not a JRE)"
  local needed
  for needed in ${NEEDED_COMMANDS[@]+"${NEEDED_COMMANDS[@]}"}; do
    command -v "${needed%%:*}" > /dev/null || die "${needed%%:*} is needed (${needed#*:})"
  done
  [[ $(nproc --all) -ge 2 ]] || die "two CPUs are needed: one for the server, one for the load"
  local need=$(( IDLE_CONNECTIONS + 1000 ))
  if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $need ]]; then
    ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
    [[ $(ulimit -n) == unlimited || $(ulimit -n) -ge $need ]] \
      || die "open-file limit $(ulimit -n) is below the $need that $IDLE_CONNECTIONS idle $CONNECTION_NOUN need"
  fi
}

build() {
  if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
    log "SKIP_BUILD=1: using the jars in target/"
  elif [[ $SAMPLE_OVERRIDDEN == 1 ]]; then
    log "building benchmarks"
    ./mvnw -q -B -DskipTests package -pl benchmarks -am
  else
    log "building sample-app and benchmarks"
    ./mvnw -q -B -DskipTests package -pl sample-app,benchmarks -am
  fi
  [[ -f $BENCH_JAR ]] || die "$BENCH_JAR is missing"
  [[ $SAMPLE_OVERRIDDEN == 1 || -f $SAMPLE_JAR ]] || die "$SAMPLE_JAR is missing"
}

# launch_server NAME PORT JAVA_ARGS... : start a server JVM pinned to SERVER_CPU, logging to
# $WORK/NAME.log; sets SERVER_PID without waiting for it
launch_server() {
  local name=$1 port=$2
  shift 2
  port_open "$port" && die "port $port is already in use: stop whatever listens there first"
  log "$name: java $JVM_OPTS $*"
  # taskset execs java, so $! is the JVM's own PID
  taskset -c "$SERVER_CPU" java $JVM_OPTS "$@" > "$WORK/$name.log" 2>&1 < /dev/null &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# await_server NAME CHECK... : poll the command CHECK until it succeeds (0), the server
# SERVER_PID exits (1) or STARTUP_TIMEOUT passes (2)
await_server() {
  local name=$1
  shift
  local deadline=$(( SECONDS + STARTUP_TIMEOUT ))
  until "$@"; do
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    (( SECONDS < deadline )) || return 2
    sleep 0.2
  done
}

# start_server NAME PORT JAVA_ARGS... : sets SERVER_PID once the port accepts connections
start_server() {
  local name=$1 port=$2 status=0
  launch_server "$@"
  await_server "$name" port_open "$port" || status=$?
  if (( status != 0 )); then
    tail -n 30 "$WORK/$name.log" >&2
    (( status == 1 )) && die "$name exited before listening on port $port"
    die "$name did not listen on port $port within ${STARTUP_TIMEOUT}s"
  fi
  log "$name listening on $port (pid $SERVER_PID, CPU $SERVER_CPU)"
}

# measure_load NAME PORT : the RESULT line of $LOAD_CLASS into RESULT[NAME]
measure_load() {
  local name=$1 port=$2
  local bound=$(( $(seconds "$WARMUP") + $(seconds "$DURATION") + 60 ))
  log "$name: $CONNECTIONS $CONNECTION_NOUN x $INFLIGHT in flight, warm-up $WARMUP, window $DURATION"
  local status=0
  taskset -c "$LOAD_CPU" timeout "$bound" java $LOAD_JVM_OPTS -cp "$BENCH_JAR" "dev.qtserver.benchmarks.$LOAD_CLASS" \
    --host 127.0.0.1 --port "$port" --connections "$CONNECTIONS" --inflight "$INFLIGHT" "${LOAD_ARGS[@]}" \
    --warmup "$WARMUP" --duration "$DURATION" --server-pid "$SERVER_PID" --clk-tck "$(getconf CLK_TCK)" \
    < /dev/null > "$WORK/$name.load" 2>&1 || status=$?
  sed "s/^/  [$name] /" "$WORK/$name.load" >&2
  local result
  result=$(grep '^RESULT ' "$WORK/$name.load" || true)
  [[ -n $result ]] || die "$name: the load generator reported no result (exit $status)"
  RESULT[$name]=$result
}

# measure_idle NAME PORT : heap and RSS per idle connection into IDLE[NAME]
measure_idle() {
  local name=$1 port=$2 pid=$SERVER_PID
  # settling first also starts the attach listener thread, so it is in the baseline too
  settle "$pid"
  local heap0 rss0 fds0
  heap0=$(heap_used_kb "$pid"); rss0=$(rss_kb "$pid"); fds0=$(fd_count "$pid")

  log "$name: opening $IDLE_CONNECTIONS idle $CONNECTION_NOUN"
  local fifo="$WORK/$name.idle.in" out="$WORK/$name.idle.out" hold
  mkfifo "$fifo"
  taskset -c "$LOAD_CPU" timeout 300 java $LOAD_JVM_OPTS -cp "$BENCH_JAR" dev.qtserver.benchmarks.IdleConnections \
    --host 127.0.0.1 --port "$port" --connections "$IDLE_CONNECTIONS" --per-source "$IDLE_PER_SOURCE" \
    ${IDLE_ARGS[@]+"${IDLE_ARGS[@]}"} --server-pid "$pid" --connect-timeout 60s --hold 240s < "$fifo" > "$out" 2>&1 &
  local idle_pid=$!
  PIDS+=("$idle_pid")
  # holding the FIFO open holds the connections; closing it lets the client close them and exit
  exec {hold}> "$fifo"

  local deadline=$(( SECONDS + 90 ))
  until grep -q '^CONNECTED ' "$out"; do
    kill -0 "$idle_pid" 2>/dev/null || { cat "$out" >&2; die "$name: IdleConnections exited early"; }
    (( SECONDS < deadline )) || die "$name: idle $CONNECTION_NOUN not established within 90s"
    sleep 0.2
  done
  local connected
  connected=$(awk '/^CONNECTED / { print $2 }' "$out")
  grep '^FAILED ' "$out" >&2 || true
  # connected for the client is not yet accepted by the server: wait for its file descriptors
  deadline=$(( SECONDS + 30 ))
  while (( $(fd_count "$pid") < fds0 + connected && SECONDS < deadline )); do sleep 0.2; done
  local accepted=$(( $(fd_count "$pid") - fds0 ))
  settle "$pid"
  local heap1 rss1
  heap1=$(heap_used_kb "$pid"); rss1=$(rss_kb "$pid")

  exec {hold}>&-
  deadline=$(( SECONDS + 20 ))
  while kill -0 "$idle_pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  stop_pid "$idle_pid"

  # per connection the server really holds (the fd count can only overstate that slightly)
  local n=$(( accepted < connected ? accepted : connected ))
  (( accepted >= connected )) || log "WARNING: $name accepted only $accepted of $connected idle $CONNECTION_NOUN"
  (( n > 0 )) || n=1
  local idle
  idle=$(awk -v h0="$heap0" -v h1="$heap1" -v r0="$rss0" -v r1="$rss1" -v n="$n" -v c="$connected" -v a="$accepted" \
    'BEGIN { printf "connected=%d accepted=%d heap_kb=%.2f native_kb=%.2f total_kb=%.2f heap_delta_mb=%.1f rss_delta_mb=%.1f",
             c, a, (h1 - h0) / n, (r1 - r0) / n, (h1 - h0 + r1 - r0) / n, (h1 - h0) / 1024, (r1 - r0) / 1024 }')
  log "$name idle: $idle"
  IDLE[$name]=$idle
}

bench() {
  local name=$1 port=$2
  shift 2
  start_server "$name" "$port" "$@"
  measure_load "$name" "$port"
  # IDLE_CONNECTIONS=0 skips the idle step (run-tls.sh: IdleConnections speaks no TLS)
  if (( IDLE_CONNECTIONS > 0 )); then
    measure_idle "$name" "$port"
  fi
  stop_pid "$SERVER_PID"
  log "$name stopped"
}

# baseline NAME PORT GOALS JAVA_ARGS : a server to measure after the sample and compare it with.
# GOALS are the sample's goals against it, "THROUGHPUT CPU IDLE": the lowest throughput ratio, the
# highest ratios of CPU per message and of idle memory; "-" where there is none.
baseline() {
  BASELINES+=("$1")
  BASELINE_PORT[$1]=$2
  BASELINE_GOALS[$1]=$3
  BASELINE_CMD[$1]=$4
}

report() {
  local row='%-13s %10s %9s %9s %11s %9s %7s %5s %11s %11s %11s %10s\n'
  echo
  echo "$RUN_TITLE," \
    "window $DURATION after $WARMUP warm-up; server on CPU $SERVER_CPU, load on CPU $LOAD_CPU"
  echo "idle: $IDLE_CONNECTIONS $CONNECTION_NOUN; heap = live heap after a full GC, native = RSS growth (heap pre-touched)"
  # shellcheck disable=SC2059
  printf "$row" server msgs/s p50_us p99_us cpu_us/msg mismatch errors lost idle_heapKB idle_natKB idle_totKB other_cpu
  local name res idle
  for name in sample "${BASELINES[@]}"; do
    res=${RESULT[$name]}; idle=${IDLE[$name]:-}
    # shellcheck disable=SC2059
    printf "$row" "$name" \
      "$(result_field "$res" msgs_per_sec)" "$(result_field "$res" p50_us)" "$(result_field "$res" p99_us)" \
      "$(result_field "$res" server_cpu_us_per_msg)" "$(result_field "$res" mismatches)" \
      "$(result_field "$res" errors)" "$(result_field "$res" lost)" "$(result_field "$idle" heap_kb)" \
      "$(result_field "$idle" native_kb)" "$(result_field "$idle" total_kb)" "$(result_field "$res" other_cpu_util)"
  done
  for name in "${BASELINES[@]}"; do
    echo
    ratios "$name"
  done
  local other
  for name in sample "${BASELINES[@]}"; do
    other=$(result_field "${RESULT[$name]}" other_cpu_util)
    if awk -v o="$other" 'BEGIN { exit !(o > 0.10) }'; then
      echo "WARNING: other processes used $other of a core during the $name window; rerun on a quiet machine"
    fi
  done
}

# awk functions for a block of ratios: ratio(a, b), or -1 where a figure is missing; and
# line(label, v, op, goal), one line of the block, indented by the awk variable indent: the ratio, its
# goal (op ">=" for at least, "<=" for at most; a goal of "-" is none) and whether it was met
GOAL_AWK='
  function ratio(a, b) { return (a >= 0 && b > 0) ? a / b : -1 }
  function line(label, v, op, goal,   verdict, text) {
    if (v < 0) verdict = "n/a"
    else if (goal == "-") verdict = ""
    else verdict = ((op == ">=") ? v >= goal + 0 : v <= goal + 0) ? "met" : "MISSED"
    text = sprintf("%s%-24s %6.3f   goal %-7s %s", indent, label, v, (goal == "-") ? "-" : op " " goal, verdict)
    sub(/ +$/, "", text)
    print text
  }'

# ratios BASELINE : sample/BASELINE for throughput, CPU per message and idle memory, each with its goal
ratios() {
  local b=$1 goal_t goal_c goal_m
  local s=${RESULT[sample]} r=${RESULT[$b]} si=${IDLE[sample]:-} ri=${IDLE[$b]:-}
  read -r goal_t goal_c goal_m <<< "${BASELINE_GOALS[$b]}"
  awk -v name="sample/$b" -v gt="$goal_t" -v gc="$goal_c" -v gm="$goal_m" \
      -v st="$(result_field "$s" msgs_per_sec)" -v rt="$(result_field "$r" msgs_per_sec)" \
      -v sc="$(result_field "$s" server_cpu_us_per_msg)" -v rc="$(result_field "$r" server_cpu_us_per_msg)" \
      -v sm="$(result_field "$si" total_kb)" -v rm="$(result_field "$ri" total_kb)" \
      -v sh="$(result_field "$si" heap_kb)" -v rh="$(result_field "$ri" heap_kb)" -v indent="  " "$GOAL_AWK"'
    BEGIN {
      print name ":"
      line("throughput", ratio(st, rt), ">=", gt)
      line("server CPU per message", ratio(sc, rc), "<=", gc)
      line("idle memory (total)", ratio(sm, rm), "<=", gm)
      line("idle memory (heap only)", ratio(sh, rh), "<=", gm)
    }'
}

passed() {
  local name res
  for name in sample "${BASELINES[@]}"; do
    res=${RESULT[$name]}
    [[ $(result_field "$res" mismatches) == 0 && $(result_field "$res" errors) == 0 \
      && $(result_field "$res" lost) == 0 ]] || return 1
  done
}

# HTTP helpers, for run-http.sh and run-metrics.sh, which set PLAINTEXT_PATH, PLAINTEXT_BODY,
# WARMUP_ROUND, STABLE and LOAD_OPTIONS (per load name, HttpLoad's options) before using them.

# answers_plaintext PORT [CURL_OPTIONS...] : whether GET /plaintext answers 200, text/plain and the
# body; what it answered is in ANSWER
answers_plaintext() {
  local port=$1 reply meta body
  shift
  reply=$(curl -s --max-time 5 "$@" -w '\n%{http_code} %{content_type} HTTP/%{http_version}' \
    "http://127.0.0.1:$port$PLAINTEXT_PATH") || { ANSWER="no answer"; return 1; }
  meta=${reply##*$'\n'}
  body=${reply%$'\n'*}
  ANSWER="$meta '$body'"
  [[ $meta == "200 text/plain"* && $body == "$PLAINTEXT_BODY" ]]
}

# measure_http_load NAME PORT LOAD : HttpLoad's RESULT line into RESULT["NAME LOAD"]
measure_http_load() {
  local name=$1 port=$2 load=$3 status=0
  local bound=$(( $(seconds "$WARMUP") + $(seconds "$DURATION") + 120 ))
  log "$name: $load, warm-up until stable (at most $WARMUP), window $DURATION"
  # shellcheck disable=SC2086
  taskset -c "$LOAD_CPU" timeout "$bound" java $LOAD_JVM_OPTS -cp "$BENCH_JAR" dev.qtserver.benchmarks.HttpLoad \
    ${LOAD_OPTIONS[$load]} --url "http://127.0.0.1:$port$PLAINTEXT_PATH" --warmup "$WARMUP" \
    --warmup-round "$WARMUP_ROUND" --stable "$STABLE" --duration "$DURATION" --server-pid "$SERVER_PID" \
    --clk-tck "$(getconf CLK_TCK)" < /dev/null > "$WORK/$name.$load.load" 2>&1 || status=$?
  grep -v '^progress: ' "$WORK/$name.$load.load" | sed "s/^/  [$name $load] /" >&2
  local result
  result=$(grep '^RESULT ' "$WORK/$name.$load.load" || true)
  [[ -n $result ]] || die "$name $load: the load generator reported no result (exit $status)"
  RESULT["$name $load"]=$result
}

# sample_command DEFAULT_PORT PORT_PROPERTY : SAMPLE_CMD, unless the environment set it, is the
# sample jar; a SAMPLE_PORT other than the server's DEFAULT_PORT is passed as --PORT_PROPERTY.
# SAMPLE_OVERRIDDEN=1 says SAMPLE_CMD came from the environment (then only benchmarks/ is built).
# The sample's secure servers read the development certificate from dev-tls/ relative to the
# working directory (sample-app/ under spring-boot:run); the scripts run in the repository root.
sample_command() {
  local default_port=$1 port_property=$2
  if [[ -n "${SAMPLE_CMD:-}" ]]; then
    SAMPLE_OVERRIDDEN=1
  else
    SAMPLE_OVERRIDDEN=0
    SAMPLE_CMD="-jar $SAMPLE_JAR $SAMPLE_DEV_TLS"
    if [[ "$SAMPLE_PORT" != "$default_port" ]]; then
      SAMPLE_CMD+=" --$port_property=$SAMPLE_PORT"
    fi
  fi
}

# The whole run: build, the sample's server, then each baseline in turn, then the report. Exits
# 1 if a reply mismatched, was lost, or a connection failed; a missed goal is only reported.
run_benchmark() {
  preflight
  build
  bench sample "$SAMPLE_PORT" $SAMPLE_CMD
  local name
  for name in "${BASELINES[@]}"; do
    # word-split on purpose: the command is java's arguments, as SAMPLE_CMD
    # shellcheck disable=SC2086
    bench "$name" "${BASELINE_PORT[$name]}" ${BASELINE_CMD[$name]}
  done
  report
  if ! passed; then
    log "FAIL: ${FAIL_MESSAGE:-some replies mismatched, were lost, or a connection failed} (see above)"
    exit 1
  fi
}
