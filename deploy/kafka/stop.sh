#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM, up to 30 s for a clean
# shutdown, then SIGKILL. Exits 0 when nothing is running.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

if [ -d "$KAFKA_RUN_DIR" ]; then
  exec 9>"$KAFKA_RUN_DIR/.lock"
  flock -w 180 9 || die "could not lock $KAFKA_RUN_DIR/.lock"
fi

if ! pid=$(running_pid); then
  rm -f "$KAFKA_PID_FILE"
  log "not running"
  exit 0
fi

log "stopping broker (pid $pid)"
kill -TERM "$pid" 2>/dev/null || true
i=0
while kill -0 "$pid" 2>/dev/null; do
  if [ "$i" -ge 60 ]; then
    log "still running after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
    break
  fi
  sleep 0.5
  i=$((i + 1))
done
rm -f "$KAFKA_PID_FILE"
log "stopped"
