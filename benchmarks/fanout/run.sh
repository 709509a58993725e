#!/bin/sh
# Builds Quench and runs the fleet fan-out benchmark (see README.md in this directory).
# Usage: benchmarks/fanout/run.sh [--mina 100,500,1000] [--openssh 100] [--concurrency 100] [--no-ansible] [--warm-up 100]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
cd "$root"
./mvnw -q -B -pl benchmarks/fanout -am package -DskipTests
# Many sockets and processes at once: 1,000 targets need more than the usual 1,024 open files.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec "$JAVA_HOME/bin/java" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$here/target/classes:$here/target/lib/*" dev.quench.bench.FanOutBenchmark "$@"
