#!/usr/bin/env bash
# Ingest benchmark: wrk posts realistic Alertmanager payloads (1 and 50 alerts per request) to a
# bare Vert.x server (parse + 200: this machine's ceiling) and to `quench serve` with the embedded
# store, then prints accepted alerts/s, p50/p99 and Quench's share of the bare figure, and checks
# that the store holds every alert Quench accepted: it waits until the ingest journal is drained into the
# alert table, and prints how long that took (the sustained rate, as opposed to the 202 burst rate). Bounded: DURATION seconds per run (default 15).
# STORE_URL (a JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/bench) runs Quench against that store instead of
# the embedded H2 file (STORE_USER: its user); every Quench run of this script then shares that database.
# BARE=false skips the bare server, QUENCH=false Quench; CP_FILE reuses a class path written by an earlier run (no build).
# Needs: wrk (apt-get install -y wrk), a JDK 21+ in JAVA_HOME, the project compiled by this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32}"
FINGERPRINTS="${FINGERPRINTS:-sequential}"   # random: 16 hex digits in random order, as Alertmanager sends them
JOURNAL="${JOURNAL:-}"   # empty: Quench's default (off); true/false: ingest.journal (docs/sources.md)
STORE_URL="${STORE_URL:-}"   # empty: the embedded H2 file under each run's data directory
STORE_USER="${STORE_USER:-}"
STORE_PID="${STORE_PID:-}"   # the database server's PID: its CPU (and its children's) is counted per alert too
BARE="${BARE:-true}"     # false: no bare-server runs
QUENCH="${QUENCH:-true}" # false: only the bare-server runs
CP_FILE="${CP_FILE:-}"
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
WORK="$(mktemp -d /tmp/quench-ingest-bench.XXXXXX)"
PIDS=()
LOGS="${LOGS:-/tmp/quench-ingest-bench-logs}"
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  mkdir -p "$LOGS"; cp "$WORK"/*.log "$LOGS"/ 2>/dev/null || true; rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$CP_FILE" ]; then
  CP_FILE="$WORK/cp.txt"
  ./mvnw -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
fi
CP="$ROOT/engine/core/target/classes:$(cat "$CP_FILE")"

wait_port() { for _ in $(seq 1 600); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on port $1 after 60 s; see the logs in $WORK" >&2; cat "$WORK"/*.log >&2; return 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_wrk() { # port alerts token -> RESULT line
  RUN="$(date +%s%N)" ALERTS="$2" TOKEN="$3" FINGERPRINTS="${FINGERPRINTS:-sequential}" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/ingest/alertmanager.lua \
    "http://127.0.0.1:$1" | grep '^RESULT'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system clock ticks of a process
# user + system clock ticks of a server and its child processes (PostgreSQL: a process per connection)
tree_ticks() {
  [ -n "$1" ] || { echo 0; return; }
  local total=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1"); do total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$total"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# Waits (at most 300 s) until every accepted alert is expanded from the ingest journal into the alert
# table, then prints GET /api/v1/ingest with drainSeconds: how long that took after this call.
drained_ingest() { # port token
  python3 - "$1" "$2" <<'PY'
import json, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
start = time.monotonic()
while True:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/ingest", headers={"Authorization": f"Bearer {token}"})
    ingest = json.load(urllib.request.urlopen(request, timeout=30))
    if ingest.get("journalAlerts", 0) == 0 or time.monotonic() - start > 300:
        ingest["drainSeconds"] = time.monotonic() - start
        print(json.dumps(ingest))
        break
    time.sleep(0.05)
PY
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $("$JAVA" -version 2>&1 | head -1)"
echo "wrk: 2 threads, $CONNECTIONS connections, ${DURATION}s per run, on loopback; fingerprints: $FINGERPRINTS; quench ingest.journal: ${JOURNAL:-default (off)}; store: ${STORE_URL:-embedded H2 file}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (figures taken on a busy machine are a floor)"

declare -A BARE_RESULT
if [ "$BARE" = true ]; then
  BARE_PORT="$(free_port)"
  "$JAVA" -cp "$CP" benchmarks/ingest/BareServer.java "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
  PIDS+=($!)
  wait_port "$BARE_PORT"
  run_wrk "$BARE_PORT" 1 "" > /dev/null   # warm-up
  for alerts in ${ALERTS_LIST:-1 50}; do
    BARE_RESULT[$alerts]="$(run_wrk "$BARE_PORT" "$alerts" "")"
    echo "bare   alerts/request=$alerts ${BARE_RESULT[$alerts]#RESULT }"
  done
  kill "${PIDS[0]}"; PIDS=()
fi

QUENCH_LIST="${ALERTS_LIST:-1 50}"
[ "$QUENCH" = true ] || QUENCH_LIST=""
for alerts in $QUENCH_LIST; do
  QUENCH_PORT="$(free_port)"
  DATA="$WORK/data-$alerts"
  mkdir -p "$WORK/runbooks"
  printf 'data: %s\nrunbooks: %s\nserver: {host: 127.0.0.1, port: %s}\n' "$DATA" "$WORK/runbooks" \
    "$QUENCH_PORT" > "$WORK/quench-$alerts.yaml"
  if [ -n "$JOURNAL" ]; then printf 'ingest: {journal: %s}\n' "$JOURNAL" >> "$WORK/quench-$alerts.yaml"; fi
  if [ -n "$STORE_URL" ]; then
    printf 'store: {url: "%s"%s}\n' "$STORE_URL" "${STORE_USER:+, user: \"$STORE_USER\"}" >> "$WORK/quench-$alerts.yaml"
  fi
  "$JAVA" ${QJOPTS:-} -cp "$CP" dev.quench.core.cli.QuenchMain serve --config "$WORK/quench-$alerts.yaml" > "$WORK/quench-$alerts.log" 2>&1 &
  PIDS=($!)
  wait_port "$QUENCH_PORT"
  TOKEN="$(cat "$DATA/quench.token")"
  # Warm-up (JIT): C2 needs about 25 s on 2 cores; the second round runs after the paths between runs (wrk
  # closing its connections, the ingest poll) have been taken once, so their deoptimisation is not measured.
  DURATION="${WARMUP:-25}" run_wrk "$QUENCH_PORT" "$alerts" "$TOKEN" > /dev/null
  drained_ingest "$QUENCH_PORT" "$TOKEN" > /dev/null
  DURATION=8 run_wrk "$QUENCH_PORT" "$alerts" "$TOKEN" > /dev/null
  sleep 1   # let the warm-up's last in-flight deliveries land before the first count
  before="$(drained_ingest "$QUENCH_PORT" "$TOKEN")"
  cpu_before="$(cpu_ticks "${PIDS[0]}")"; store_before="$(tree_ticks "$STORE_PID")"
  result="$(run_wrk "$QUENCH_PORT" "$alerts" "$TOKEN")"
  sleep 0.5   # wrk's last in-flight requests
  after="$(drained_ingest "$QUENCH_PORT" "$TOKEN")"
  # Read once every accepted alert is stored: with the journal on, expanding it goes on after wrk stops.
  cpu_after="$(cpu_ticks "${PIDS[0]}")"; store_after="$(tree_ticks "$STORE_PID")"
  echo "quench alerts/request=$alerts ${result#RESULT }"
  # CPU time Quench's process spent per accepted alert: steadier than the rate on a shared machine.
  echo "       cpu: $(python3 -c "import sys; t=(int(sys.argv[2])-int(sys.argv[1]))/$(getconf CLK_TCK); print(f'{t:.1f} s of CPU in the run until all was stored, {1e6*t/max(1,int(sys.argv[3])):.1f} µs per alert')" \
    "$cpu_before" "$cpu_after" "$(field accepted_alerts "$result")")"
  if [ -n "$STORE_PID" ]; then
    echo "       store cpu: $(python3 -c "import sys; t=(int(sys.argv[2])-int(sys.argv[1]))/$(getconf CLK_TCK); print(f'{t:.1f} s of the database server\'s CPU likewise, {1e6*t/max(1,int(sys.argv[3])):.1f} µs per alert')" \
      "$store_before" "$store_after" "$(field accepted_alerts "$result")")"
  fi
  bare_rate="$(field alerts_per_s "${BARE_RESULT[$alerts]:-}")"
  quench_rate="$(field alerts_per_s "$result")"
  python3 - "$before" "$after" "$(field accepted_alerts "$result")" "$bare_rate" "$quench_rate" "$alerts" "$CONNECTIONS" "$(field seconds "$result")" <<'PY'
import json, sys
before, after = json.loads(sys.argv[1]), json.loads(sys.argv[2])
accepted_by_wrk, bare, quench, per_request, connections = int(sys.argv[3]), float(sys.argv[4] or 0), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
seconds = float(sys.argv[8])
expanded = after.get("expandedAlerts", 0) - before.get("expandedAlerts", 0)
drain = after["drainSeconds"] + 0.5
# The 202 means journaled; the alert table catches up behind it. The sustained rate is the slower of the two.
if expanded:
    print(f"       drain: every accepted alert in the alert table {drain:.1f} s after wrk stopped "
          f"(journal left: {after.get('journalAlerts', 0)}); expansion {expanded / (seconds + drain):,.0f} alerts/s "
          f"sustained over {seconds + drain:.1f} s")
else:
    print("       drain: none (ingest.journal off: a 202 means the alerts are in the alert table)")
stored = after["storedAlerts"] - before["storedAlerts"]
# The count and the counters are read one after the other: a delivery may land in between.
answered = after["acceptedAlerts"] - before["acceptedAlerts"]
share = f"{100 * quench / bare:.1f} %" if bare else "n/a (BARE=false)"
print(f"       share of bare: {share}   stored={stored} answered_202={answered} "
      f"seen_by_wrk={accepted_by_wrk} refused_503={after['refusedWhileFull'] - before['refusedWhileFull']}")
# wrk stops with up to one request per connection in flight: those may be stored without wrk seeing the 202.
lost = accepted_by_wrk > stored
commits = after.get("commits", 0) - before.get("commits", 0)
deliveries = after.get("committedDeliveries", 0) - before.get("committedDeliveries", 0)
if commits:
    print(f"       group commit: {commits} commits, {deliveries / commits:.1f} deliveries "
          f"({deliveries * per_request / commits:.0f} alerts) per commit on average")
print("       nothing lost: " + ("NO — stored < accepted" if lost else
      f"yes (stored == answered 202: {stored == answered}; in flight at wrk's stop: {stored - accepted_by_wrk} alerts, "
      f"at most {connections * per_request})"))
PY
  kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "alert-to-first-step latency: benchmarks/ingest/latency.sh; matching cost (JMH): benchmarks/matching/run.sh"
