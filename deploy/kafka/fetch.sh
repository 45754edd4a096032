#!/usr/bin/env bash
# Fill lib/ with the Apache Kafka jars pinned in pom.xml, from Maven Central.
# Does nothing (and needs no network) when lib/ already holds them.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

[ -n "$KAFKA_VERSION" ] || die "no <kafka.version> in $KAFKA_HOME_DIR/pom.xml"

if lib_ready; then
  log "lib/ already has Kafka $KAFKA_VERSION"
  exit 0
fi

# Brokers started side by side (one per test package) may all find lib/
# empty: let one fetch while the others wait, then look again.
exec 8<"$KAFKA_HOME_DIR/pom.xml"
flock -w 600 8 || die "timed out waiting for another fetch"
if lib_ready; then
  log "lib/ already has Kafka $KAFKA_VERSION"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven (Debian: apt-get install maven)"

log "fetching Kafka $KAFKA_VERSION jars into $KAFKA_LIB_DIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tmp=$work/lib
mvnlog=$work/mvn.log
# shellcheck disable=SC2086
if ! mvn -B -ntp -f "$KAFKA_HOME_DIR/pom.xml" ${KAFKA_MVN_ARGS:-} \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
  tail -n 60 "$mvnlog" >&2
  die "mvn failed"
fi

ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "maven did not deliver kafka_2.13-$KAFKA_VERSION.jar"

# Swap in the new set whole, so a failed or older fetch never mixes in.
rm -rf "$KAFKA_LIB_DIR"
mkdir -p "$(dirname "$KAFKA_LIB_DIR")"
mv "$tmp" "$KAFKA_LIB_DIR"
pom_sum >"$KAFKA_STAMP"
log "lib/ ready: $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars, $(du -sh "$KAFKA_LIB_DIR" | cut -f1)"
