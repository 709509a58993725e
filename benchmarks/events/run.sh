#!/usr/bin/env bash
# Live event latency: `quench serve` (embedded store) with one runbook whose shell.exec step prints LINES
# lines (default 30), one every INTERVAL seconds (default 1), each carrying the time it was printed
# (bash's $EPOCHREALTIME, read without starting a process). RUNS runs (default 8) are started at once through POST /api/v1/runs; python3 follows
# each run's stream (GET /api/v1/runs/{id}/events) and one stream of all runs (GET /api/v1/events), and
# takes for each stdout line the time from printed to read. Prints p50, p99 and max per kind of stream,
# the engine's CPU time over the runs, and FAIL when a line is missing or the p99 is 200 ms or more.
# Needs a JDK 21+ in JAVA_HOME, python3, bash 5.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
RUNS="${RUNS:-8}"
LINES="${LINES:-30}"
INTERVAL="${INTERVAL:-1}"
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
WORK="$(mktemp -d /tmp/quench-events-bench.XXXXXX)"
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  cp "$WORK/quench.log" /tmp/quench-events-bench.log 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

./mvnw -o -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/engine/core/target/classes:$(cat "$WORK/cp.txt")"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/runbooks"
cat > "$WORK/runbooks/bench-ticker.yaml" <<YAML
name: bench-ticker
owner: bench
steps:
  - id: tick
    uses: shell.exec
    timeout: 1h
    with:
      command: exec bash -c 'for ((i = 0; i < $LINES; i++)); do sleep $INTERVAL; echo "tick \${EPOCHREALTIME/./}"; done'
YAML
printf 'data: %s\nrunbooks: %s\nserver: {host: 127.0.0.1, port: %s}\nexecutor: {maxConcurrentRuns: %s}\n' \
  "$WORK/data" "$WORK/runbooks" "$PORT" "$((RUNS + 1))" > "$WORK/quench.yaml"
"$JAVA" ${QJOPTS:-} -cp "$CP" dev.quench.core.cli.QuenchMain serve --config "$WORK/quench.yaml" > "$WORK/quench.log" 2>&1 &
PID=$!
for i in $(seq 1 600); do
  (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "quench serve exited:" >&2; cat "$WORK/quench.log" >&2; exit 1; }
  [ "$i" = 600 ] && { echo "nothing listens on port $PORT after 60 s:" >&2; cat "$WORK/quench.log" >&2; exit 1; }
  sleep 0.1
done
for _ in $(seq 1 100); do [ -s "$WORK/data/quench.token" ] && break; sleep 0.1; done
TOKEN="$(cat "$WORK/data/quench.token")"
# The runbooks load after the port opens: wait for /health/ready.
for _ in $(seq 1 600); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/health/ready', timeout=5)" 2>/dev/null && break
  sleep 0.1
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $("$JAVA" -version 2>&1 | head -1)"
echo "checkout: $ROOT ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "load: $RUNS runs at once, each printing $LINES lines one every ${INTERVAL}s; one stream per run and one of all runs"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (figures taken on a busy machine are a ceiling)"

python3 - "$PORT" "$TOKEN" "$PID" "$RUNS" "$LINES" "$(getconf CLK_TCK)" <<'PY'
import json, sys, threading, time, urllib.request
port, token, pid = sys.argv[1], sys.argv[2], sys.argv[3]
runs, lines, clk_tck = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
base = f"http://127.0.0.1:{port}"
auth = {"Authorization": f"Bearer {token}"}

def cpu_seconds():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / clk_tck

def events(path, on_event, stop_at_end):
    request = urllib.request.Request(base + path, headers={**auth, "Accept": "text/event-stream"})
    with urllib.request.urlopen(request, timeout=600) as response:
        kind, data = "message", []
        while True:
            line = response.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and data:
                received = time.time_ns()
                payload = json.loads("".join(data))
                on_event(kind, payload, received)
                if stop_at_end and kind == "end":
                    return
                kind, data = "message", []

latencies = {"run": [], "all": []}
ended = {}
lock = threading.Lock()
def collect(stream):
    def on_event(kind, payload, received):
        if kind == "stdout" and payload["line"].startswith("tick "):
            printed = int(payload["line"][5:]) * 1000
            with lock:
                latencies[stream].append((received - printed) / 1e6)
        elif kind == "end" and stream == "run":
            with lock:
                ended[payload["runId"]] = payload["status"]
    return on_event

all_stream = threading.Thread(target=events, args=("/api/v1/events", collect("all"), False), daemon=True)
all_stream.start()
time.sleep(0.5)
cpu_before, wall_before = cpu_seconds(), time.monotonic()
followers = []
for _ in range(runs):
    request = urllib.request.Request(base + "/api/v1/runs", data=json.dumps({"runbook": "bench-ticker"}).encode(),
                                     method="POST", headers={**auth, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        run_id = json.load(response)["id"]
    follower = threading.Thread(target=events, args=(f"/api/v1/runs/{run_id}/events", collect("run"), True))
    follower.start()
    followers.append(follower)
for follower in followers:
    follower.join()
time.sleep(0.5)
cpu = cpu_seconds() - cpu_before
wall = time.monotonic() - wall_before

def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

failed = False
for stream, label in (("run", "per-run streams"), ("all", "all-runs stream")):
    values = latencies[stream]
    if len(values) != runs * lines:
        print(f"FAIL {label}: {len(values)} lines read, expected {runs * lines}")
        failed = True
    if values:
        p99 = pct(values, 99)
        print(f"{label}: {len(values)} lines, printed->read p50 {pct(values, 50):.1f} ms, p99 {p99:.1f} ms, "
              f"max {max(values):.1f} ms")
        if p99 >= 200:
            print(f"FAIL {label}: p99 {p99:.1f} ms is not under 200 ms")
            failed = True
bad = {run: status for run, status in ended.items() if status != "succeeded"}
if len(ended) != runs or bad:
    print(f"FAIL runs: {len(ended)} ended of {runs}, not succeeded: {bad}")
    failed = True
total_lines = sum(len(v) for v in latencies.values())
print(f"engine CPU over {wall:.1f} s: {cpu:.2f} s ({cpu / wall * 100:.1f} % of one core), "
      f"{cpu * 1000 / max(1, runs * lines):.2f} ms per printed line (runs, processes and both streams included)")
sys.exit(1 if failed else 0)
PY
