#!/usr/bin/env bash
# Start-up of the real `quench serve` (issue 5): process launch until it serves, with N scheduled
# runbooks (default 10,000; 601 distinct schedules) on the embedded H2 store. Measures the first start
# (empty store), then restarts (store holding the schedules) alternately without and with the launcher's
# class data sharing archive (docs/startup.md), and prints wall and CPU time of each with the load average.
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

# Starts quench serve, waits until it logs that it listens, prints "WALL_MS CPU_MS", stops it.
start_once() {
  local log="$WORK/serve.log" start_ns now_ns deadline stat cpu_ticks
  start_ns="$(date +%s%N)"
  "$QUENCH" serve --config "$WORK/quench.yaml" >"$log" 2>&1 &
  SERVER_PID=$!
  deadline=$((start_ns + 120000000000))
  until grep -qs "Quench listening on" "$log"; do
    now_ns="$(date +%s%N)"
    if ((now_ns > deadline)) || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      kill "$SERVER_PID" 2>/dev/null || true
      cat "$log" >&2; echo "quench serve did not start within two minutes (log above)" >&2; exit 1
    fi
    sleep 0.01
  done
  now_ns="$(date +%s%N)"
  stat="$(cat "/proc/$SERVER_PID/stat")"
  stat="${stat##*) }"
  read -r -a fields <<<"$stat"
  cpu_ticks=$((fields[11] + fields[12]))
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
  echo "$(((now_ns - start_ns) / 1000000)) $((cpu_ticks * 1000 / ticks_per_second))"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
export QUENCH_CDS_DIR="$WORK/cds"
read -r wall cpu < <(start_once)
echo "first start (empty store, writes every group; the archive is written when it stops): ${wall} ms wall, ${cpu} ms CPU"
ls "$WORK"/cds/*.jsa >/dev/null 2>&1 || echo "  (no archive was written: this JVM cannot make one; the 'with archive' rows equal the others)"
for ((round = 1; round <= ROUNDS; round++)); do
  read -r wall cpu < <(QUENCH_CDS=off start_once)
  echo "restart without archive: ${wall} ms wall, ${cpu} ms CPU (load $(cut -d' ' -f1 /proc/loadavg))"
  read -r wall cpu < <(start_once)
  echo "restart with archive:    ${wall} ms wall, ${cpu} ms CPU (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "machine: $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
