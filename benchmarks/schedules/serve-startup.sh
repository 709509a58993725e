#!/usr/bin/env bash
# Start-up of the real `quench serve` (issue 5): process launch until it serves, with N scheduled
# runbooks (default 10,000; 601 distinct schedules) on the embedded H2 store. Measures the first start
# (empty store; on JDK 25+ the launcher's AOT training run), then restarts (store holding the schedules)
# without a cache, with the dynamic CDS archive and (JDK 25+) with the AOT cache (docs/startup.md).
# "ready" is the log line 'Quench listening on': HTTP listening, webhooks stored durably, Quartz firing
# its stored triggers; "loaded" is 'runbooks loaded and schedules synced' (matching from then on).
# Prints wall and CPU time to ready, wall to loaded, RSS and heap used once loaded, the time the stop
# took (a training run writes its cache then), and the load average.
# Bounded: every start waits two minutes at most; ROUNDS (default 3) restarts of each kind.
# Usage: benchmarks/schedules/serve-startup.sh [SCHEDULES [ROUNDS]]   (needs JAVA_HOME, JDK 21+; CDS needs 19+)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 21+}"
SCHEDULES="${1:-10000}"
ROUNDS="${2:-3}"
WORK="$(mktemp -d /tmp/quench-serve-startup.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

BUILD_LOG="$WORK/build.log"
./mvnw -q -B -pl deploy -am package -DskipTests >"$BUILD_LOG" 2>&1 \
  || { cat "$BUILD_LOG" >&2; echo "the build failed (log above)" >&2; exit 1; }
QUENCH="$PWD/deploy/target/quench/bin/quench"

mkdir -p "$WORK/runbooks" "$WORK/data"
for ((i = 0; i < SCHEDULES; i++)); do
  # 601 distinct schedules, as in ScheduleBenchmark: one for the first 1,000, then one per minute of 10 hours.
  if ((i < 1000)); then cron="0 0 3 * * ?"; else cron="0 $((i % 60)) $((4 + i % 600 / 60)) * * ?"; fi
  printf 'name: bench-%d\ntriggers:\n  schedule: {cron: "%s"}\nsteps:\n  - id: noop\n    uses: shell.exec\n    with: {command: "true"}\n' \
    "$i" "$cron" >"$WORK/runbooks/bench-$i.yaml"
done
cat >"$WORK/quench.yaml" <<EOF
server: {host: 127.0.0.1, port: 0}
data: $WORK/data
runbooks: $WORK/runbooks
EOF

ticks_per_second="$(getconf CLK_TCK)"

# Waits until the log holds $2, then prints "MICROS CPU_TICKS" of that moment; fails if the server
# exits or two minutes pass. Bash builtins only (read, EPOCHREALTIME): polling must not take the CPU
# the server is starting on.
await_line() {
  local log="$1" pattern="$2" line="" part deadline=$((SECONDS + 120)) now stat
  exec 3<"$log"
  while :; do
    if IFS= read -r part <&3; then
      line+="$part"
      [[ "$line" == *"$pattern"* ]] && break
      line=""
    else
      line+="$part"  # a line still being written: keep its start
      [[ "$line" == *"$pattern"* ]] && break
      if ! kill -0 "$SERVER_PID" 2>/dev/null || ((SECONDS > deadline)); then
        cat "$log" >&2; echo "quench serve did not log '$pattern' within two minutes (log above)" >&2; return 1
      fi
      read -r -t 0.02 -u 4 || true  # sleep 20 ms without a process
    fi
  done
  now="${EPOCHREALTIME/./}"
  stat="$(<"/proc/$SERVER_PID/stat")"
  stat="${stat##*) }"
  read -r -a fields <<<"$stat"
  exec 3<&-
  echo "$now $((fields[11] + fields[12]))"
}
mkfifo "$WORK/never"
exec 4<>"$WORK/never"

# Starts quench serve; prints "READY_MS CPU_MS LOADED_MS RSS_MB HEAP_MB STOP_MS", stops it.
start_once() {
  local log="$WORK/serve.log" start_us ready loaded rss heap stop_us
  : >"$log"
  start_us="${EPOCHREALTIME/./}"
  "$QUENCH" serve --config "$WORK/quench.yaml" >"$log" 2>&1 &
  SERVER_PID=$!
  ready="$(await_line "$log" "Quench listening on")" || exit 1
  loaded="$(await_line "$log" "runbooks loaded and schedules synced")" || exit 1
  rss="$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$SERVER_PID/status")"
  heap="$("$JAVA_HOME/bin/jcmd" "$SERVER_PID" GC.heap_info 2>/dev/null | grep -m1 -oE 'used [0-9]+K' | tr -dc 0-9 || true)"
  stop_us="${EPOCHREALTIME/./}"
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
  read -r ready_us ready_ticks <<<"$ready"
  read -r loaded_us _ <<<"$loaded"
  echo "$(((ready_us - start_us) / 1000)) $((ready_ticks * 1000 / ticks_per_second))" \
    "$(((loaded_us - start_us) / 1000)) $rss $((${heap:-0} / 1024)) $(((${EPOCHREALTIME/./} - stop_us) / 1000))"
}

row() {
  local label="$1" ready cpu loaded rss heap stop
  read -r ready cpu loaded rss heap stop < <(start_once)
  printf '%-36s ready %6s ms wall %6s ms CPU | loaded %6s ms | RSS %4s MB, heap used %4s MB | stop %5s ms | load %s\n' \
    "$label" "$ready" "$cpu" "$loaded" "$rss" "$heap" "$stop" "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
aot=no
[ "$("$JAVA_HOME/bin/java" -version 2>&1 | grep -m1 -oE 'version "[0-9]+' | tr -dc 0-9)" -ge 25 ] && aot=yes
if [ $aot = yes ]; then
  QUENCH_CDS_DIR="$WORK/aot" row "first start (empty store, AOT training)"
else
  QUENCH_CDS_DIR="$WORK/cds" row "first start (empty store, CDS training)"
fi
# The CDS archive's own training run (the store holds the schedules now).
[ $aot = yes ] && QUENCH_AOT=off QUENCH_CDS_DIR="$WORK/cds" row "restart that writes the CDS archive"
for ((round = 1; round <= ROUNDS; round++)); do
  QUENCH_CDS=off row "restart without cache"
  QUENCH_AOT=off QUENCH_CDS_DIR="$WORK/cds" row "restart with the CDS archive"
  [ $aot = no ] || QUENCH_CDS_DIR="$WORK/aot" row "restart with the AOT cache"
done
for file in "$WORK"/aot/*.aot "$WORK"/cds/*.jsa; do
  [ -e "$file" ] && echo "cache file ${file##*/}: $(($(stat -c %s "$file") / 1048576)) MB"
done
echo "machine: $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
