#!/usr/bin/env bash
# Retention on a large embedded H2 store (PruneBench.java): fill, then one pruning pass with the default
# settings while a writer stores an alert every 5 ms; prints the pass's duration and the writer's latency
# before and during it. Args: [alert rows] [bulk alerts] [runs] [batchSize] [pause ms]. Needs a JDK 21+ in JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
CP_FILE="$(mktemp)"; trap 'rm -f "$CP_FILE"' EXIT
./mvnw -q -B -pl engine/core -am compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null 2> >(grep -v '^WARNING' >&2)
echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), $("$JAVA" -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -Xmx2g -cp "engine/core/target/classes:$(cat "$CP_FILE")" benchmarks/retention/PruneBench.java "$@" 2>&1 | grep --line-buffered '^RESULT'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
