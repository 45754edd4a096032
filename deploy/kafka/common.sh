# Shared settings for the deploy/kafka scripts. Sourced, not run.
# shellcheck shell=bash disable=SC2034

KAFKA_HOME_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The pinned version lives in pom.xml only.
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_HOME_DIR/pom.xml" | head -n 1)

KAFKA_LIB_DIR=${KAFKA_LIB_DIR:-$KAFKA_HOME_DIR/lib}
KAFKA_RUN_DIR=${KAFKA_RUN_DIR:-$KAFKA_HOME_DIR/run}
case $KAFKA_LIB_DIR in /*) ;; *) KAFKA_LIB_DIR=$PWD/$KAFKA_LIB_DIR ;; esac
case $KAFKA_RUN_DIR in /*) ;; *) KAFKA_RUN_DIR=$PWD/$KAFKA_RUN_DIR ;; esac
KAFKA_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
KAFKA_BOOTSTRAP=$KAFKA_HOST:$KAFKA_PORT
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}
KAFKA_JVM_OPTS=${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}

KAFKA_STAMP=$KAFKA_LIB_DIR/.fetched-$KAFKA_VERSION
KAFKA_PID_FILE=$KAFKA_RUN_DIR/kafka.pid
KAFKA_LOG_FILE=$KAFKA_RUN_DIR/kafka.log
KAFKA_DATA_DIR=$KAFKA_RUN_DIR/data
KAFKA_CONFIG=$KAFKA_RUN_DIR/server.properties

JAVA=${JAVA:-java}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA=$JAVA_HOME/bin/java
fi

log() { printf 'kafka: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The stamp holds a checksum of pom.xml, so editing the pom refetches.
pom_sum() { sha256sum "$KAFKA_HOME_DIR/pom.xml" | cut -d' ' -f1; }

lib_ready() {
  [ -f "$KAFKA_STAMP" ] && [ "$(cat "$KAFKA_STAMP")" = "$(pom_sum)" ]
}

# Run a Java main class from lib/ with quiet logging (warnings to stderr).
kafka_tool() {
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2-tools.properties" \
    -cp "$KAFKA_LIB_DIR/*" "$@"
}

# Prints the pid of the broker started from this run dir, if it is alive.
running_pid() {
  local pid
  [ -f "$KAFKA_PID_FILE" ] || return 1
  pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must be the broker of this run dir.
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$KAFKA_CONFIG" || return 1
  fi
  printf '%s\n' "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

# True when the broker answers an admin request (lists topics).
broker_answers() {
  local cfg=$KAFKA_RUN_DIR/admin-check.properties
  mkdir -p "$KAFKA_RUN_DIR"
  printf '%s\n' 'request.timeout.ms=5000' 'default.api.timeout.ms=10000' >"$cfg"
  timeout 40 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2-tools.properties" \
    -cp "$KAFKA_LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$cfg" --list >/dev/null 2>&1
}
