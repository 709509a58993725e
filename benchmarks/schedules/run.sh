#!/usr/bin/env bash
# Schedule benchmark (issue 5): 10,000 scheduled runbooks on the embedded H2 store, 1,000 of them
# firing in the same second. Prints engine start-up (a restart, cold JVM, store holding the
# schedules; and the first start on an empty store), heap used after start, and lateness p50/p99
# of the burst, with the load average. Bounded: about LEAD seconds plus two minutes at most.
# Usage: benchmarks/schedules/run.sh [SCHEDULES [FIRING [LEAD_SECONDS]]]   (needs JAVA_HOME, JDK 21+)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
CP_FILE="$(mktemp /tmp/quench-schedule-cp.XXXXXX)"
trap 'rm -f "$CP_FILE"' EXIT
BUILD_LOG="$(mktemp /tmp/quench-schedule-build.XXXXXX)"
./mvnw -q -B -pl engine/core -am test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" \
  >"$BUILD_LOG" 2>&1 || { cat "$BUILD_LOG" >&2; echo "the build failed (log above)" >&2; exit 1; }
rm -f "$BUILD_LOG"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -cp "$(cat "$CP_FILE"):engine/core/target/classes:engine/core/target/test-classes" \
  dev.quench.core.schedule.ScheduleBenchmark "${1:-10000}" "${2:-1000}" "${3:-120}" 2>/dev/null \
  | grep -v -E '^[0-9:.]+ (INFO|WARN|DEBUG) '
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
