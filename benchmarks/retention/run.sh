#!/usr/bin/env bash
# Retention on a large store (PruneBench.java): fill, then one pruning pass while a writer stores an alert every
# 5 ms; prints the fill time, the pass's duration and rows/s, the toil ledger before and after, and the writer's
# latency before and during the pass (the fill is set-based: 10 million alerts take minutes).
# Args: [alert rows] [bulk alerts] [runs] [batchSize] [pause ms] [chunk].
# Store: embedded H2 in a temp directory by default; STORE_URL (STORE_USER, STORE_PASSWORD) for an empty
# PostgreSQL database; or POSTGRES=debian to start Debian's PostgreSQL 15 (/usr/lib/postgresql/15/bin) in a temp
# directory owned by the postgres user, on a free port, stopped and deleted at the end (needs root for runuser);
# PG_OPTS adds server options (e.g. "-c shared_preload_libraries=pg_stat_statements"), and the script prints the
# socket directory and port so psql can look in while it runs.
# PRUNE_JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=filename=/tmp/prune.jfr). CLASSES runs another
# tree's compiled engine/core classes (a "before" build) with this tree's benchmark; CP_FILE reuses a dependency
# classpath file instead of building; BENCH_LOG keeps the benchmark's whole output (errors too) in that file.
# LEDGER_ONLY=1 stops after the fill and one all-time toil report (its time is printed): the ledger's cost on a
# store that was never pruned.
# Needs a JDK 21+ in JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
WORK="$(mktemp -d /tmp/quench-prune-bench.XXXXXX)"
PG_BIN=/usr/lib/postgresql/15/bin
cleanup() {
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ -n "${CP_FILE:-}" ]; then
  cp "$CP_FILE" "$WORK/cp.txt"   # a classpath written by an earlier run: no build
else
  ./mvnw ${MVN_FLAGS:--o} -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" \
    >/dev/null 2> >(grep -v '^WARNING' >&2)
fi
if [ "${POSTGRES:-}" = debian ]; then
  mkdir -p "$WORK/pg" && chown postgres "$WORK" "$WORK/pg"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start \
    -o "-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=${PG_SHARED_BUFFERS:-512MB} -c max_wal_size=4GB ${PG_OPTS:-}" \
    >/dev/null
  runuser -u postgres -- "$PG_BIN/createdb" -h "$WORK/pg" -p "$PORT" quench
  export STORE_URL="jdbc:postgresql://127.0.0.1:$PORT/quench" STORE_USER=postgres STORE_PASSWORD=""
  echo "postgres: Debian $("$PG_BIN/postgres" --version), shared_buffers=${PG_SHARED_BUFFERS:-512MB}, max_wal_size=4GB ${PG_OPTS:-}, socket $WORK/pg port $PORT"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB, $(. /etc/os-release; echo "$PRETTY_NAME"), $("$JAVA" -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -Xmx3g ${PRUNE_JAVA_OPTS:-} -cp "${CLASSES:-engine/core/target/classes}:$(cat "$WORK/cp.txt")" \
  benchmarks/retention/PruneBench.java "$@" 2>&1 | tee "${BENCH_LOG:-/dev/null}" | grep --line-buffered '^RESULT'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
