#!/usr/bin/env bash
# Fill lib/ with the Apache Kafka jars pinned in pom.xml, from Maven Central.
# Does nothing (and needs no network) when lib/ already holds them.
set -eu
. "$(dirname "$0")/common.sh"

[ -n "$KAFKA_VERSION" ] || die "no <kafka.version> in $KAFKA_HOME_DIR/pom.xml"

if lib_ready; then
  log "lib/ already has Kafka $KAFKA_VERSION"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven (Debian: apt-get install maven)"

log "fetching Kafka $KAFKA_VERSION jars into $KAFKA_LIB_DIR"
tmp=$KAFKA_LIB_DIR.tmp.$$
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never -f "$KAFKA_HOME_DIR/pom.xml" ${MAVEN_ARGS:-} \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp"

ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || die "maven did not deliver kafka_2.13-$KAFKA_VERSION.jar"

# Swap in the new set whole, so a failed or older fetch never mixes in.
rm -rf "$KAFKA_LIB_DIR"
mv "$tmp" "$KAFKA_LIB_DIR"
trap - EXIT
pom_sum >"$KAFKA_STAMP"
log "lib/ ready: $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars, $(du -sh "$KAFKA_LIB_DIR" | cut -f1)"
