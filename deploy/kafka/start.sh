#!/usr/bin/env bash
# Start a single-node Apache Kafka broker (KRaft, broker+controller in one
# process) in the background and wait until it answers on 127.0.0.1.
# Safe to run again: an already running broker of this run dir is left alone.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

"$KAFKA_HOME_DIR/fetch.sh"

command -v "$JAVA" >/dev/null 2>&1 || die "java not found (Kafka $KAFKA_VERSION needs Java 17 or newer)"

mkdir -p "$KAFKA_RUN_DIR"
# One start or stop at a time per run dir (test packages may race here).
exec 9>"$KAFKA_RUN_DIR/.lock"
flock -w 180 9 || die "could not lock $KAFKA_RUN_DIR/.lock"

if pid=$(running_pid); then
  if broker_answers; then
    log "already running (pid $pid)"
    echo "kafka ready at $KAFKA_BOOTSTRAP"
    exit 0
  fi
  log "broker pid $pid is up but not answering yet; waiting"
else
  rm -f "$KAFKA_PID_FILE"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $KAFKA_HOST:$port is taken by another process; stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  # Rewritten on every start so port changes take effect; storage keeps
  # the cluster id, so a restart never reformats.
  cat >"$KAFKA_CONFIG" <<PROPS
# Written by deploy/kafka/start.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA_DIR

num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

num.network.threads=2
num.io.threads=4
background.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=104857600
PROPS

  if [ ! -f "$KAFKA_DATA_DIR/meta.properties" ]; then
    cluster_id=$(kafka_tool kafka.tools.StorageTool random-uuid)
    log "formatting storage in $KAFKA_DATA_DIR (cluster id $cluster_id)"
    kafka_tool kafka.tools.StorageTool format --ignore-formatted \
      --cluster-id "$cluster_id" --config "$KAFKA_CONFIG" >/dev/null
  fi

  [ -f "$KAFKA_LOG_FILE" ] && mv -f "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.1"
  log "starting Kafka $KAFKA_VERSION on $KAFKA_BOOTSTRAP (controller port $KAFKA_CONTROLLER_PORT)"
  # shellcheck disable=SC2086
  nohup setsid "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
    -Dlog4j2.configurationFile="$KAFKA_HOME_DIR/log4j2.properties" \
    -Dlog4j2.shutdownHookEnabled=false \
    -Dkafka.logs.dir="$KAFKA_RUN_DIR" \
    -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$KAFKA_CONFIG" \
    >"$KAFKA_LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$KAFKA_PID_FILE"
fi

started_ms=$(($(date +%s%N) / 1000000))
deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$KAFKA_PID_FILE"
    log "broker exited during start-up; last lines of $KAFKA_LOG_FILE:"
    tail -n 40 "$KAFKA_LOG_FILE" >&2 || true
    exit 1
  fi
  if port_open "$KAFKA_PORT" && broker_answers; then
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "broker did not answer within ${KAFKA_START_TIMEOUT}s; last lines of $KAFKA_LOG_FILE:"
    tail -n 40 "$KAFKA_LOG_FILE" >&2 || true
    exit 1
  fi
  sleep 0.5
done

elapsed_ms=$(($(date +%s%N) / 1000000 - started_ms))
log "up after $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))s (pid $pid, log $KAFKA_LOG_FILE)"
echo "kafka ready at $KAFKA_BOOTSTRAP"
