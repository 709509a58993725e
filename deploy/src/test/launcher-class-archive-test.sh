#!/usr/bin/env bash
# Tests bin/quench's start-up caches (docs/startup.md) against the built distribution: the AOT cache
# (JDK 25+) and the dynamic CDS archive (JDK 19-24, or QUENCH_AOT=off). Each is written when serve
# stops, used by the next serve, renamed when the JVM options change, and never a failed start when
# it is garbage, left by a start that never served, or cannot be written. The build runs it in
# deploy's integration-test phase (LauncherStartupCacheIT, with KINDS=default); by hand, after
# `./mvnw -pl deploy -am package`:
#   JAVA_HOME=... deploy/src/test/launcher-class-archive-test.sh
# KINDS=all (the default) checks every cache this JDK can make; KINDS=default only the one the
# launcher uses on it (the AOT cache on JDK 25+, the CDS archive before), which halves the time.
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
KIND="" MAGIC=""
failures=0
fail() { echo "FAIL ($KIND): $*" >&2; failures=$((failures + 1)); }

# Starts serve, waits until it serves and has loaded its runbook (60 s at most), runs "$@" with the
# pid, stops it.
serve_then() {
  : >"$WORK/serve.log"  # emptied first: the loop below must not read the previous serve's log
  "$QUENCH" serve --config "$WORK/quench.yaml" >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  local waited=0
  until grep -qs "(1 loaded" "$WORK/serve.log"; do
    if ((waited > 6000)) || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      cat "$WORK/serve.log" >&2; fail "serve did not start"; SERVER_PID=""; return 0
    fi
    sleep 0.01; waited=$((waited + 1))
  done
  "$@" "$SERVER_PID"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
}
archive() { ls "$WORK"/cds/serve-java-*."$KIND" 2>/dev/null | head -n1; }
archives() { ls "$WORK"/cds/serve-java-*."$KIND" 2>/dev/null | wc -l; }
magic() { od -A n -t x1 -N 4 "$1" | tr -d ' \n'; }
uses_archive() { grep -q "$WORK/cds/serve-java-.*\.$KIND" "/proc/$1/maps" || fail "serve did not map the cache"; }
nothing() { :; }
# The JVM's report of writing the AOT cache when a training run stops is expected; nothing else is.
no_jvm_warnings() {
  ! grep -viE "AOTConfiguration|AOT cache|AOTCache creation|AOT configuration|JAVA_TOOL_OPTIONS" "$WORK/serve.log" \
    | grep -qiE "warning|cds|shared archive|aot" || { cat "$WORK/serve.log" >&2; fail "$1"; }
}

# Runs every check for one kind of cache: KIND is the file suffix, MAGIC its first four bytes.
check_kind() {
  rm -rf "$WORK/cds" "$WORK/data"
  serve_then nothing
  [ -n "$(archive)" ] && [ "$(magic "$(archive)")" = "$MAGIC" ] || fail "the first serve wrote no cache when it stopped"
  [ -e "$(archive).ok" ] || fail "the first serve did not mark its cache as written by a serving run"
  serve_then uses_archive
  no_jvm_warnings "a valid cache printed JVM warnings"

  echo garbage >"$(archive)"
  serve_then nothing
  no_jvm_warnings "a garbage cache printed JVM warnings"
  [ "$(magic "$(archive)")" = "$MAGIC" ] || fail "a garbage cache was not replaced by a real one"

  rm -f "$(archive).ok"
  "$QUENCH" serve --config "$WORK/missing.yaml" >/dev/null 2>&1 && fail "serve with a missing config succeeded"
  [ -e "$(archive).ok" ] && fail "a start that never served marked its cache"
  serve_then nothing
  [ -e "$(archive).ok" ] || fail "the cache of a start that never served was not rebuilt by the next good one"

  local before
  before="$(archive)"
  JAVA_OPTS=-Xmx300m serve_then nothing
  [ "$(archive)" != "$before" ] && [ "$(archives)" = 1 ] \
    || fail "other JVM options did not replace the cache by one of another name"
  JAVA_OPTS=-Xmx300m serve_then uses_archive

  QUENCH_CDS_DIR=/proc/quench-cannot-write serve_then nothing
  rm -rf "$WORK/cds"
  QUENCH_CDS=off serve_then nothing
  [ -z "$(archive)" ] || fail "QUENCH_CDS=off wrote a cache"
}

major="$("$JAVA_HOME/bin/java" -version 2>&1 | grep -m1 -oE 'version "[0-9]+' | tr -dc 0-9)"
KINDS="${KINDS:-all}"
case "$KINDS" in all|default) ;; *) echo "KINDS must be all or default, not '$KINDS'" >&2; exit 2 ;; esac
if [ "$major" -ge 25 ]; then
  KIND=aot MAGIC=a2ab0bf0
  check_kind
  export QUENCH_AOT=off
fi
if [ "$major" -lt 25 ] || [ "$KINDS" = all ]; then
  KIND=jsa MAGIC=a8ab0bf0
  check_kind
fi

((failures == 0)) && echo "launcher start-up caches: all checks passed" || { echo "$failures check(s) failed" >&2; exit 1; }
