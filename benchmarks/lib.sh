# Shared by run-tcp.sh, run-websocket.sh and run-tls.sh, and for its helpers by run-http.sh and
# run-metrics.sh: sourced, never run. See benchmarks/README.md, "How the scripts measure".
#
# The machine has slow phases that last minutes, so servers measured one after the other compare the
# phases more than the servers. run_benchmark therefore starts the sample and every baseline at once,
# each its own JVM pinned to SERVER_CPU, and lets the load take turns between them: ROUNDS rounds, in
# each of which every server gets one window, forward (sample, baselines in order) on odd rounds and
# backward on even ones, so that a drift over the rounds weighs on all alike. A ratio is taken per
# round, between windows a few seconds apart, and the goal line is the median of those ratios.
#
# A JVM is a sample too: two JVMs of one jar stay a few percent apart for as long as they run (what
# the JIT compiled, and how), which the rounds of one start do not average out. LAUNCHES > 1 starts
# the servers that many times, in fresh JVMs, for ROUNDS rounds each; the rounds are numbered across
# the launches, the goal line is the median over all of them, and the report gives each launch's
# median beside it.
#
# The sourcing script is in the repository root (cd "$ROOT") and sets, before sourcing:
#   LOG_TAG          prefix of log lines and of the work directory (run-tcp)
#   LOAD_CLASS       the load generator in dev.qtserver.benchmarks (TcpEchoLoad)
#   LOAD_ARGS        array: the generator's own options (--line-bytes 64)
#   IDLE_ARGS        array: IdleConnections' own options (--websocket /echo), may be empty
#   CONNECTION_NOUN  what a connection is called in logs and the report (connections, sessions)
#   IDLE_DEFAULT     the default of IDLE_CONNECTIONS, where that is not 10000; a script without an
#                    idle step sets IDLE_CONNECTIONS=0 instead
#   SAMPLE_PORT
#   NEEDED_COMMANDS  optional array of "command:how to get it", checked by preflight besides java's
# then, after sourcing: RUN_TITLE (the report's first line: what was echoed, and how), SAMPLE_CMD
# through sample_command, and one `baseline` per server the sample is compared with, each on a port
# of its own; and calls run_benchmark. The common settings below may be set in the environment.
# run-http.sh and run-metrics.sh measure other figures and run their own rounds with take_turns, and
# report with median and paired_line.

# SMOKE=1: two short rounds with few connections, to check that the harness works (figures mean
# nothing); set before the defaults so that any of them given in the environment still wins
if [[ ${SMOKE:-0} == 1 ]]; then
  DURATION=${DURATION:-2s}
  WARMUP=${WARMUP:-1s}
  ROUNDS=${ROUNDS:-2}
  CONNECTIONS=${CONNECTIONS:-8}
  INFLIGHT=${INFLIGHT:-4}
  IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-200}
fi
# each window is short: a round must fit in a phase of the machine, and the rounds give the figure
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-5s}
ROUNDS=${ROUNDS:-5}
# before a server's later windows: the load reconnects, and the server is warm already
ROUND_WARMUP=${ROUND_WARMUP:-1s}
CONNECTIONS=${CONNECTIONS:-64}
INFLIGHT=${INFLIGHT:-16}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-${IDLE_DEFAULT:-10000}}
IDLE_PER_SOURCE=${IDLE_PER_SOURCE:-2000}
# One Reactor Netty I/O thread: the server owns one core, and the default (at least 4 threads)
# would only time-slice it. Heap fixed and pre-touched so RSS growth is native memory only.
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC -XX:+AlwaysPreTouch -Dreactor.netty.ioWorkerCount=1}
LOAD_JVM_OPTS=${LOAD_JVM_OPTS:--Xms256m -Xmx256m}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "[$LOG_TAG] ERROR: ROUNDS must be a positive number" >&2; exit 1; }
# how many times the servers start, each time in fresh JVMs, for ROUNDS rounds (see the top)
LAUNCHES=${LAUNCHES:-1}
[[ $LAUNCHES =~ ^[1-9][0-9]*$ ]] || { echo "[$LOG_TAG] ERROR: LAUNCHES must be a positive number" >&2; exit 1; }
# the launch running now (take_turns numbers its rounds after the earlier launches'), and the rounds
# of all launches
LAUNCH=1
ALL_ROUNDS=$(( ROUNDS * LAUNCHES ))

BENCH_JAR=benchmarks/target/benchmarks.jar
SAMPLE_JAR=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
# where the sample, started in the repository root, finds its development certificate
SAMPLE_DEV_TLS=--sample.dev-tls=sample-app/dev-tls

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$LOG_TAG.XXXXXX")
PIDS=()
# the baselines in the order they take their turns, after the sample; per server name its PID and
# port once started, and its idle figures; per window ("NAME ROUND", or whatever key a script's
# windows use) the load generator's RESULT line
BASELINES=()
declare -A BASELINE_PORT=() BASELINE_CMD=() BASELINE_GOALS=() PID_OF=() PORT_OF=() RESULT=() IDLE=()

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
# $WORK/NAME.log; sets SERVER_PID, PID_OF[NAME] and PORT_OF[NAME] without waiting for it
launch_server() {
  local name=$1 port=$2
  shift 2
  port_open "$port" && die "port $port is already in use: stop whatever listens there first"
  log "$name: java $JVM_OPTS $*"
  # taskset execs java, so $! is the JVM's own PID
  taskset -c "$SERVER_CPU" java $JVM_OPTS "$@" > "$WORK/$name.log" 2>&1 < /dev/null &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  PID_OF[$name]=$SERVER_PID
  PORT_OF[$name]=$port
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

# measure_load NAME PORT WARMUP : the RESULT line of $LOAD_CLASS against the server SERVER_PID into
# RESULT[NAME], after WARMUP
measure_load() {
  local name=$1 port=$2 warmup=$3
  local bound=$(( $(seconds "$warmup") + $(seconds "$DURATION") + 60 )) file="$WORK/${1// /.}.load"
  log "$name: $CONNECTIONS $CONNECTION_NOUN x $INFLIGHT in flight, warm-up $warmup, window $DURATION"
  local status=0
  taskset -c "$LOAD_CPU" timeout "$bound" java $LOAD_JVM_OPTS -cp "$BENCH_JAR" "dev.qtserver.benchmarks.$LOAD_CLASS" \
    --host 127.0.0.1 --port "$port" --connections "$CONNECTIONS" --inflight "$INFLIGHT" "${LOAD_ARGS[@]}" \
    --warmup "$warmup" --duration "$DURATION" --server-pid "$SERVER_PID" --clk-tck "$(getconf CLK_TCK)" \
    < /dev/null > "$file" 2>&1 || status=$?
  sed "s/^/  [$name] /" "$file" >&2
  local result
  result=$(grep '^RESULT ' "$file" || true)
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

# baseline NAME PORT GOALS JAVA_ARGS : a server to run beside the sample and compare it with, on a
# PORT of its own. GOALS are the sample's goals against it, "THROUGHPUT CPU IDLE": the lowest
# throughput ratio, the highest ratios of CPU per message and of idle memory; "-" where there is none.
baseline() {
  BASELINES+=("$1")
  BASELINE_PORT[$1]=$2
  BASELINE_GOALS[$1]=$3
  BASELINE_CMD[$1]=$4
}

# start_baselines : every baseline, each on its port, beside what runs already
start_baselines() {
  local name
  for name in "${BASELINES[@]}"; do
    # word-split on purpose: the command is java's arguments
    # shellcheck disable=SC2086
    start_server "$name" "${BASELINE_PORT[$name]}" ${BASELINE_CMD[$name]}
  done
}

# cpu_ticks PID... : the CPU time the processes have used so far, in clock ticks (utime + stime of
# /proc/PID/stat, counted after the command name, which may hold spaces)
cpu_ticks() {
  local pid total=0
  for pid; do
    # a server that has exited (run-http.sh's absent sample) uses nothing
    [[ -r /proc/$pid/stat ]] || continue
    total=$(( total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$total"
}

# await_quiet : wait, at most 30 s, until the servers started use less than 5 % of a core together:
# one still busy with its start-up (JIT compiling, class loading) would take the shared CPU from the
# first windows of the others
await_quiet() {
  local deadline=$(( SECONDS + 30 )) before after tck
  tck=$(getconf CLK_TCK)
  while (( SECONDS < deadline )); do
    before=$(cpu_ticks "${PID_OF[@]}")
    sleep 1
    after=$(cpu_ticks "${PID_OF[@]}")
    if (( (after - before) * 20 <= tck )); then
      log "servers quiet"
      return
    fi
  done
  log "WARNING: the servers still used $(( (after - before) * 100 / tck )) % of a core 30 s after starting"
}

# stop_servers : every server started (launch_server), by PID
stop_servers() {
  local name
  for name in "${!PID_OF[@]}"; do
    stop_pid "${PID_OF[$name]}"
  done
  log "servers stopped"
}

# take_turns WINDOW NAME... : the ROUNDS rounds of launch LAUNCH, in which every NAME gets one
# window, by running the command WINDOW (a function and its first arguments, split on spaces) with
# NAME and the round (numbered across launches): NAMEs in order on odd rounds, backwards on even ones
# (ABBA), so that a drift of the machine over the rounds weighs on all alike
take_turns() {
  local -a window
  read -r -a window <<< "$1"
  shift
  local -a names=("$@")
  local round i
  for ((round = (LAUNCH - 1) * ROUNDS + 1; round <= LAUNCH * ROUNDS; round++)); do
    log "round $round of $ALL_ROUNDS"
    if (( round % 2 )); then
      for ((i = 0; i < ${#names[@]}; i++)); do "${window[@]}" "${names[i]}" "$round"; done
    else
      for ((i = ${#names[@]} - 1; i >= 0; i--)); do "${window[@]}" "${names[i]}" "$round"; done
    fi
  done
}

# each_launch FUNCTION : FUNCTION once per launch, LAUNCH set to its number; FUNCTION starts the
# servers, runs take_turns and stops them
each_launch() {
  for ((LAUNCH = 1; LAUNCH <= LAUNCHES; LAUNCH++)); do
    (( LAUNCHES == 1 )) || log "launch $LAUNCH of $LAUNCHES"
    "$1"
  done
}

# launches_text : "N launches (fresh JVMs) of " for a report's first line, nothing for one launch
launches_text() { (( LAUNCHES == 1 )) || echo "$LAUNCHES launches (fresh JVMs) of "; }

# first_round ROUND : whether ROUND is the first of its launch, whose windows warm the fresh JVMs up
first_round() { (( ($1 - 1) % ROUNDS == 0 )); }

# round_key FORMAT ROUND : a RESULT key, FORMAT with ROUND in place of its %d ("sample %d")
round_key() {
  # shellcheck disable=SC2059 # the format is the caller's key pattern, never outside input
  printf "$1" "$2"
}

# median FIELD FORMAT : the median of FIELD over the windows of every round whose RESULT keys are FORMAT
# (round_key); for an even number of rounds the mean of the middle two, with the figures' decimals; -1
# if there is no window
median() {
  local field=$1 format=$2 round
  for ((round = 1; round <= ALL_ROUNDS; round++)); do
    result_field "${RESULT[$(round_key "$format" "$round")]:-}" "$field"
  done | sort -g | awk 'NF { v[++n] = $1; if (match($1, /\.[0-9]+$/) && RLENGTH - 1 > d) d = RLENGTH - 1 }
    END {
      if (n == 0) print -1
      else if (n % 2) print v[(n + 1) / 2]
      else printf "%." d + 0 "f\n", (v[n / 2] + v[n / 2 + 1]) / 2
    }'
}

# paired_ratios FIELD A_FORMAT B_FORMAT : A's FIELD over B's in each round, comma-separated (-1 where
# a figure is missing): a round measures both a few seconds apart, so a slow phase of the machine
# weighs on both sides of its ratio
paired_ratios() {
  local field=$1 round out="" a b
  for ((round = 1; round <= ALL_ROUNDS; round++)); do
    a=$(result_field "${RESULT[$(round_key "$2" "$round")]:-}" "$field")
    b=$(result_field "${RESULT[$(round_key "$3" "$round")]:-}" "$field")
    out+=${out:+,}$(awk -v a="${a:--1}" -v b="${b:--1}" 'BEGIN { if (a >= 0 && b > 0) printf "%.3f", a / b; else print -1 }')
  done
  echo "$out"
}

# awk functions for a block of ratios: ratio(a, b), or -1 where a figure is missing; median(list) of
# a comma-separated list; and line(label, v, op, goal, extra), one line of the block, indented by the
# awk variable indent: the ratio, its goal (op ">=" for at least, "<=" for at most; a goal of "-" is
# none), whether it was met, and extra after that
GOAL_AWK='
  function ratio(a, b) { return (a >= 0 && b > 0) ? a / b : -1 }
  function median(list,   v, n, i, j, t) {
    n = split(list, v, ",")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function line(label, v, op, goal, extra,   verdict, text) {
    if (v < 0) { verdict = "n/a"; extra = "" }
    else if (goal == "-") verdict = ""
    else verdict = ((op == ">=") ? v >= goal + 0 : v <= goal + 0) ? "met" : "MISSED"
    text = sprintf("%s%-24s %6.3f   goal %-8s %-6s   %s", indent, label, v, (goal == "-") ? "-" : op " " goal, verdict, extra)
    sub(/ +$/, "", text)
    print text
  }'

# paired_line INDENT LABEL FIELD OP GOAL A_FORMAT B_FORMAT : one line of ratios A/B of FIELD over the
# rounds: the median of the rounds' own ratios, judged against the goal (a slow phase weighs on both
# sides of a round's ratio), then the ratio of the medians and each round's ratio beside it, and with
# LAUNCHES > 1 the median of each launch's rounds
paired_line() {
  awk -v indent="$1" -v label="$2" -v op="$4" -v goal="$5" -v list="$(paired_ratios "$3" "$6" "$7")" \
      -v a="$(median "$3" "$6")" -v b="$(median "$3" "$7")" -v per="$ROUNDS" -v launches="$LAUNCHES" "$GOAL_AWK"'
    BEGIN {
      m = ratio(a, b)
      extra = sprintf("medians %s   rounds %s", (m < 0) ? "n/a" : sprintf("%.3f", m), list)
      if (launches > 1) {
        split(list, v, ",")
        each = ""
        for (l = 0; l < launches; l++) {
          part = ""
          for (i = l * per + 1; i <= (l + 1) * per; i++) part = part ((part == "") ? "" : ",") v[i]
          each = each ((each == "") ? "" : ",") sprintf("%.3f", median(part))
        }
        extra = extra "   launches " each
      }
      line(label, median(list), op, goal, extra)
    }'
}

# what a block of paired lines says, for the report
PAIRED_LEGEND="the median of the rounds' ratios (the goal line), then the ratio of the medians and each round's ratio"

# echo_window NAME ROUND : one window of the load against the server NAME into RESULT["NAME ROUND"]; its
# first window warms it up, the later ones only reconnect
echo_window() {
  local name=$1 round=$2 warmup=$ROUND_WARMUP
  ! first_round "$round" || warmup=$WARMUP
  SERVER_PID=${PID_OF[$name]}
  measure_load "$name $round" "${PORT_OF[$name]}" "$warmup"
}

# warn_busy_windows KEY... : a WARNING naming the windows in which other processes used more than 10 %
# of a core
warn_busy_windows() {
  local key other busy=""
  for key; do
    other=$(result_field "${RESULT[$key]}" other_cpu_util)
    if awk -v o="$other" 'BEGIN { exit !(o > 0.10) }'; then busy+="${busy:+, }$key: $other"; fi
  done
  [[ -z $busy ]] || echo "WARNING: other processes used more than 0.10 of a core in these windows ($busy); rerun on a quiet machine"
}

report() {
  local row='%-14s %6s %10s %9s %9s %11s %9s %7s %5s %10s\n' name round res all=()
  echo
  echo "$RUN_TITLE; all servers side by side on CPU $SERVER_CPU, load on CPU $LOAD_CPU; $(launches_text)$ROUNDS rounds" \
    "taking turns (odd: sample ${BASELINES[*]}; even: backwards), one window of $DURATION per server and round," \
    "after $WARMUP of warm-up in a server's first window (of each launch) and $ROUND_WARMUP in the others"
  # shellcheck disable=SC2059
  printf "$row" server round msgs/s p50_us p99_us cpu_us/msg mismatch errors lost other_cpu
  for name in sample "${BASELINES[@]}"; do
    for ((round = 1; round <= ALL_ROUNDS; round++)); do
      res=${RESULT["$name $round"]}
      all+=("$name $round")
      # shellcheck disable=SC2059
      printf "$row" "$name" "$round" \
        "$(result_field "$res" msgs_per_sec)" "$(result_field "$res" p50_us)" "$(result_field "$res" p99_us)" \
        "$(result_field "$res" server_cpu_us_per_msg)" "$(result_field "$res" mismatches)" \
        "$(result_field "$res" errors)" "$(result_field "$res" lost)" "$(result_field "$res" other_cpu_util)"
    done
    # shellcheck disable=SC2059
    printf "$row" "$name" median "$(median msgs_per_sec "$name %d")" "$(median p50_us "$name %d")" \
      "$(median p99_us "$name %d")" "$(median server_cpu_us_per_msg "$name %d")" - - - -
  done
  if (( IDLE_CONNECTIONS > 0 )); then
    echo
    echo "idle: $IDLE_CONNECTIONS $CONNECTION_NOUN, one server at a time (the others idle), after the rounds;" \
      "heap = live heap after a full GC, native = RSS growth (heap pre-touched)"
    local idle_row='%-14s %11s %11s %11s\n'
    # shellcheck disable=SC2059
    printf "$idle_row" server idle_heapKB idle_natKB idle_totKB
    for name in sample "${BASELINES[@]}"; do
      # shellcheck disable=SC2059
      printf "$idle_row" "$name" "$(result_field "${IDLE[$name]}" heap_kb)" \
        "$(result_field "${IDLE[$name]}" native_kb)" "$(result_field "${IDLE[$name]}" total_kb)"
    done
  fi
  for name in "${BASELINES[@]}"; do
    echo
    ratios "$name"
  done
  warn_busy_windows "${all[@]}"
}

# ratios BASELINE : sample/BASELINE for throughput and CPU per message over the rounds, and for idle
# memory, each with its goal
ratios() {
  local b=$1 goal_t goal_c goal_m
  read -r goal_t goal_c goal_m <<< "${BASELINE_GOALS[$b]}"
  echo "sample/$b: $PAIRED_LEGEND"
  paired_line "  " throughput msgs_per_sec ">=" "$goal_t" "sample %d" "$b %d"
  paired_line "  " "server CPU per message" server_cpu_us_per_msg "<=" "$goal_c" "sample %d" "$b %d"
  (( IDLE_CONNECTIONS > 0 )) || return 0
  local si=${IDLE[sample]:-} ri=${IDLE[$b]:-}
  awk -v gm="$goal_m" -v sm="$(result_field "$si" total_kb)" -v rm="$(result_field "$ri" total_kb)" \
      -v sh="$(result_field "$si" heap_kb)" -v rh="$(result_field "$ri" heap_kb)" -v indent="  " "$GOAL_AWK"'
    BEGIN {
      line("idle memory (total)", ratio(sm, rm), "<=", gm)
      line("idle memory (heap only)", ratio(sh, rh), "<=", gm)
    }'
}

passed() {
  local key
  for key in "${!RESULT[@]}"; do
    [[ $(result_field "${RESULT[$key]}" mismatches) == 0 && $(result_field "${RESULT[$key]}" errors) == 0 \
      && $(result_field "${RESULT[$key]}" lost) == 0 ]] || return 1
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

# measure_http_load NAME PORT LOAD WARMUP WARMUP_ROUND : HttpLoad's RESULT line against the server
# SERVER_PID into RESULT["NAME LOAD"], after warm-up rounds of WARMUP_ROUND until three agree within
# STABLE, for at most WARMUP (one round when both are the same: a warm server only reconnects)
measure_http_load() {
  local name=$1 port=$2 load=$3 warmup=$4 warmup_round=$5 status=0
  local bound=$(( $(seconds "$warmup") + $(seconds "$DURATION") + 120 )) file="$WORK/${1// /.}.$load.load"
  if [[ $warmup == "$warmup_round" ]]; then
    log "$name: $load, warm-up $warmup, window $DURATION"
  else
    log "$name: $load, warm-up until stable (rounds of $warmup_round, at most $warmup), window $DURATION"
  fi
  # shellcheck disable=SC2086
  taskset -c "$LOAD_CPU" timeout "$bound" java $LOAD_JVM_OPTS -cp "$BENCH_JAR" dev.qtserver.benchmarks.HttpLoad \
    ${LOAD_OPTIONS[$load]} --url "http://127.0.0.1:$port$PLAINTEXT_PATH" --warmup "$warmup" \
    --warmup-round "$warmup_round" --stable "$STABLE" --duration "$DURATION" --server-pid "$SERVER_PID" \
    --clk-tck "$(getconf CLK_TCK)" < /dev/null > "$file" 2>&1 || status=$?
  grep -v '^progress: ' "$file" | sed "s/^/  [$name $load] /" >&2
  local result
  result=$(grep '^RESULT ' "$file" || true)
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

# echo_launch : one launch of an echo script: start the sample and every baseline, their rounds, the
# idle step (IDLE_CONNECTIONS=0 skips it: run-tls.sh, as IdleConnections speaks no TLS; only in the
# last launch), stop them
echo_launch() {
  # word-split on purpose: the commands are java's arguments
  # shellcheck disable=SC2086
  start_server sample "$SAMPLE_PORT" $SAMPLE_CMD
  start_baselines
  await_quiet
  take_turns echo_window sample "${BASELINES[@]}"
  if (( IDLE_CONNECTIONS > 0 && LAUNCH == LAUNCHES )); then
    local name
    for name in sample "${BASELINES[@]}"; do
      SERVER_PID=${PID_OF[$name]}
      measure_idle "$name" "${PORT_OF[$name]}"
    done
  fi
  stop_servers
}

# The whole run: build; start the sample and every baseline, side by side; ROUNDS rounds of windows
# taking turns between them; the idle step, one server at a time while the others idle; stop them;
# the report. Exits 1 if a reply mismatched, was lost, or a connection failed; a missed goal is only
# reported.
run_benchmark() {
  preflight
  build
  each_launch echo_launch
  report
  if ! passed; then
    log "FAIL: some replies mismatched, were lost, or a connection failed (see above)"
    exit 1
  fi
}
