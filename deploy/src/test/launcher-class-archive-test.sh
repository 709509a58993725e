#!/usr/bin/env bash
# Tests bin/quench's class data sharing archive (docs/startup.md) against the built distribution:
# written when serve stops, mapped by the next serve, and never a failed start when it is garbage,
# left by a start that never served, or cannot be written. Run after `./mvnw -pl deploy -am package`:
#   JAVA_HOME=... deploy/src/test/launcher-class-archive-test.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK 21+}"
QUENCH="$PWD/deploy/target/quench/bin/quench"
[ -x "$QUENCH" ] || { echo "build the distribution first: ./mvnw -pl deploy -am package -DskipTests" >&2; exit 2; }
WORK="$(mktemp -d /tmp/quench-launcher-test.XXXXXX)"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/runbooks"
printf 'name: nightly\ntriggers:\n  schedule: {cron: "0 0 3 * * ?"}\nsteps:\n  - id: noop\n    uses: shell.exec\n    with: {command: "true"}\n' \
  >"$WORK/runbooks/nightly.yaml"
printf 'server: {host: 127.0.0.1, port: 0}\ndata: %s/data\nrunbooks: %s/runbooks\n' "$WORK" "$WORK" >"$WORK/quench.yaml"
export QUENCH_CDS_DIR="$WORK/cds"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Starts serve, waits until it serves (60 s at most), runs "$@" with the pid, stops it.
serve_then() {
  "$QUENCH" serve --config "$WORK/quench.yaml" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  local waited=0
  until grep -qs "Quench is serving" "$WORK/serve.log"; do
    if ((waited > 6000)) || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$WORK/serve.log" >&2; fail "serve did not start"; SERVER_PID=""; return 0
    fi
    sleep 0.01; waited=$((waited + 1))
  done
  "$@" "$SERVER_PID"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
}
archive() { ls "$WORK"/cds/serve-java-*.jsa 2>/dev/null | head -n1; }
magic() { od -A n -t x1 -N 4 "$1" | tr -d ' \n'; }
uses_archive() { grep -q "$WORK/cds/serve-java-" "/proc/$1/maps" || fail "serve did not map the archive"; }
nothing() { :; }
no_jvm_warnings() { ! grep -qiE "warning|cds|shared archive" "$WORK/serve.log" || { cat "$WORK/serve.log" >&2; fail "$1"; }; }

serve_then nothing
[ -n "$(archive)" ] && [ "$(magic "$(archive)")" = a8ab0bf0 ] || fail "the first serve wrote no archive when it stopped"
[ -e "$(archive).ok" ] || fail "the first serve did not mark its archive as written by a serving run"
serve_then uses_archive
no_jvm_warnings "a valid archive printed JVM warnings"

echo garbage >"$(archive)"
serve_then nothing
no_jvm_warnings "a garbage archive printed JVM warnings"
[ "$(magic "$(archive)")" = a8ab0bf0 ] || fail "a garbage archive was not replaced by a real one"

rm -f "$(archive).ok"
"$QUENCH" serve --config "$WORK/missing.yaml" >/dev/null 2>&1 && fail "serve with a missing config succeeded"
[ -e "$(archive).ok" ] && fail "a start that never served marked its archive"
serve_then nothing
[ -e "$(archive).ok" ] || fail "the archive of a start that never served was not rebuilt by the next good one"

QUENCH_CDS_DIR=/proc/quench-cannot-write serve_then nothing
QUENCH_CDS=off serve_then nothing

((failures == 0)) && echo "launcher class archive: all checks passed" || { echo "$failures check(s) failed" >&2; exit 1; }
