#!/usr/bin/env bash
# The embedded store's ceiling for ingestion: alert rows per second on one thread, H2 file store,
# batches of 1, 50 and 1,000 alerts per transaction (StoreRowsBench.java). Needs a JDK 21+ in JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
CP_FILE="$(mktemp)"; trap 'rm -f "$CP_FILE"' EXIT
./mvnw -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null 2> >(grep -v '^WARNING' >&2)
echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), $("$JAVA" -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -cp "engine/core/target/classes:$(cat "$CP_FILE")" benchmarks/ingest/StoreRowsBench.java "$@" 2>&1 | grep '^RESULT'
