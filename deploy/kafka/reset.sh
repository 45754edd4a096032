#!/usr/bin/env bash
# Stop the broker and delete its run dir (topics, offsets, cluster id, log).
# The fetched jars in lib/ are kept.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

"$KAFKA_HOME_DIR/stop.sh"
case $KAFKA_RUN_DIR in
  "" | / ) die "refusing to delete '$KAFKA_RUN_DIR'" ;;
esac
rm -rf "$KAFKA_RUN_DIR"
log "removed $KAFKA_RUN_DIR"
