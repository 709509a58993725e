#!/usr/bin/env bash
# Alert-to-first-step latency: `quench serve` (embedded store) with one one-step runbook
# (shell.exec `true`); LatencyBench.java posts RATE alerts/s (default 100) for SECONDS (default 30),
# after a warm-up at the same rate (WARMUP_SECONDS, default 30, not reported),
# then reads the recorded timestamps (alert received -> first step started) and prints p50/p99.
# Goal: p99 under 50 ms. Needs a JDK 21+ in JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
RATE="${RATE:-100}"
SECONDS_TO_RUN="${SECONDS_TO_RUN:-30}"
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
WORK="$(mktemp -d /tmp/quench-latency-bench.XXXXXX)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; cp "$WORK/quench.log" /tmp/quench-latency-bench.log 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

./mvnw -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/engine/core/target/classes:$(cat "$WORK/cp.txt")"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/runbooks"
cat > "$WORK/runbooks/latency-probe.yaml" <<'YAML'
name: latency-probe
owner: bench
toil: {manualMinutes: 1}
triggers:
  alert:
    matchers: ['alertname="LatencyProbe"']
steps:
  - id: noop
    uses: shell.exec
    with:
      command: "true"
YAML
printf 'data: %s\nrunbooks: %s\nserver: {host: 127.0.0.1, port: %s}\nexecutor: {maxConcurrentRuns: 64}\ningest: {journal: %s}\n' \
  "$WORK/data" "$WORK/runbooks" "$PORT" "${JOURNAL:-false}" > "$WORK/quench.yaml"
"$JAVA" -cp "$CP" dev.quench.core.cli.QuenchMain serve --config "$WORK/quench.yaml" > "$WORK/quench.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
TOKEN="$(cat "$WORK/data/quench.token")"
echo "machine: $(nproc) cores, ingest.journal: ${JOURNAL:-false}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# A warm-up at the measured rate (JIT, connection pool, first process spawns) in the same sender JVM,
# straight before the measured alerts; it is left out of the report.
"$JAVA" -cp "$CP" benchmarks/ingest/LatencyBench.java send "$PORT" "$TOKEN" "$RATE" "$SECONDS_TO_RUN" "${WARMUP_SECONDS:-30}"
sleep 3   # let the last runs start
# The embedded store is open in the engine only (it has no TCP server): stop it, then read the store.
kill "$PID" && wait "$PID" 2>/dev/null || true
PID=
"$JAVA" -cp "$CP" benchmarks/ingest/LatencyBench.java report "jdbc:h2:file:$WORK/data/quench"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
