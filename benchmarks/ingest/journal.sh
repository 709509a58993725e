#!/usr/bin/env bash
# The ingest journal decision: benchmarks/ingest/run.sh with 1 and 50 alerts per request, ingest.journal
# off and on, on the embedded H2 file and on a real PostgreSQL, side by side in one session (the runs
# interleaved, so a change in the machine's load hits both settings alike). Each PostgreSQL run gets a fresh
# database. Bounded: 8 Quench runs of about a minute each (DURATION seconds measured, default 15).
# JOURNAL_ORDER="true false" runs the journal first in each pair (a second session with the order reversed
# shows whether a trend in the machine's load favoured one side).
# PostgreSQL: Debian's postgresql 15 binaries (PG_BIN, default /usr/lib/postgresql/15/bin), started by this
# script in a temporary directory on a free loopback port as user postgres (PostgreSQL refuses to run as
# root) with its default durability (fsync on, synchronous_commit on), and stopped by its PID at the end.
# Needs: what run.sh needs, plus those binaries and runuser (run it as root) or running as user postgres.
set -euo pipefail
cd "$(dirname "$0")/../.."
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$PG_BIN/postgres" ] || { echo "no PostgreSQL server in $PG_BIN: apt-get install -y postgresql-15, or set PG_BIN" >&2; exit 1; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PG_DIR="$(mktemp -d /tmp/quench-journal-bench-pg.XXXXXX)"
chown postgres: "$PG_DIR" 2>/dev/null || true
PG_PORT="$(free_port)"
PG_PID=""
WORK="$(mktemp -d /tmp/quench-journal-bench.XXXXXX)"
cleanup() {
  if [ -n "$PG_PID" ]; then
    kill -INT "$PG_PID" 2>/dev/null || true   # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$PG_DIR" "$WORK"
}
trap cleanup EXIT

as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 > "$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
  -o "-p $PG_PORT -h 127.0.0.1 -k $PG_DIR" start > /dev/null \
  || { cat "$PG_DIR/postgres.log" >&2; exit 1; }
PG_PID="$(head -1 "$PG_DIR/data/postmaster.pid")"
echo "PostgreSQL: $("$PG_BIN/postgres" --version), pid $PG_PID, port $PG_PORT, fsync on, synchronous_commit on"

./mvnw -o -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
export CP_FILE="$WORK/cp.txt"

QUENCH=false benchmarks/ingest/run.sh
for alerts in 1 50; do
  for journal in ${JOURNAL_ORDER:-false true}; do
    echo "=== H2, ingest.journal: $journal, $alerts alert(s) per request"
    JOURNAL="$journal" ALERTS_LIST="$alerts" BARE=false benchmarks/ingest/run.sh | grep -v '^machine\|^alert-to'
    database="bench_${journal}_${alerts}"
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$database"
    echo "=== PostgreSQL, ingest.journal: $journal, $alerts alert(s) per request"
    STORE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$database" STORE_USER=postgres STORE_PID="$PG_PID" \
      JOURNAL="$journal" ALERTS_LIST="$alerts" BARE=false benchmarks/ingest/run.sh | grep -v '^machine\|^alert-to'
  done
done
