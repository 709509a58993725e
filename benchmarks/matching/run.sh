#!/bin/sh
# Builds Quench and runs the JMH matching benchmark: µs per alert matched against 10,000 runbooks
# (goal < 10 µs). Extra arguments go to JMH, e.g. `-p runbooks=1000,10000` or `-f 2`.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
cd "$root"
./mvnw -q -B -pl benchmarks/matching -am package -DskipTests
echo "machine: $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$JAVA_HOME/bin/java" -cp "$here/target/classes:$here/target/lib/*" org.openjdk.jmh.Main MatchingBenchmark "$@"
