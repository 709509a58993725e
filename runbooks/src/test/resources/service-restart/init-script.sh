#!/bin/sh
# An init script as Debian writes them for a daemon without systemd: start-stop-daemon supervises the
# service through a pidfile. ServiceRestartIT installs it as ROOT/init.d/NAME; the service is a small
# HTTP server (python3 -m http.server) serving ROOT/www/NAME (which holds "health") on the port that
# ROOT/etc/NAME.conf sets (PORT=...), logging to ROOT/log/NAME.log.
set -u
NAME=$(basename "$0")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PIDFILE="$ROOT/run/$NAME.pid"
DAEMON=/usr/bin/python3
. "$ROOT/etc/$NAME.conf"

case "${1:-}" in
  start)
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$PIDFILE" \
      --output "$ROOT/log/$NAME.log" --exec "$DAEMON" -- \
      -m http.server --bind 127.0.0.1 --directory "$ROOT/www/$NAME" "$PORT"
    ;;
  stop)
    # TERM, then KILL after 5s: a stopped (SIGSTOP) process is killed by either
    start-stop-daemon --stop --quiet --retry TERM/5/KILL/5 --pidfile "$PIDFILE" --remove-pidfile
    ;;
  restart)
    "$0" stop
    "$0" start
    ;;
  status)
    start-stop-daemon --status --pidfile "$PIDFILE"
    status=$?
    if [ "$status" -eq 0 ]; then
      echo "$NAME is running (pid $(cat "$PIDFILE"))"
    else
      echo "$NAME is not running (start-stop-daemon --status: $status)"
    fi
    exit "$status"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 3
    ;;
esac
