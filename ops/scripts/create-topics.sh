#!/usr/bin/env bash
# Creates the chainplan topics (DESIGN.md 2.2) with their cleanup policies on an existing cluster.
# Usage: ops/scripts/create-topics.sh BOOTSTRAP [PREFIX] [PARTITIONS] [REPLICATION]
# Needs kafka-topics.sh on the PATH (or KAFKA_BIN pointing at Kafka's bin directory).
set -euo pipefail
bootstrap="${1:?usage: create-topics.sh BOOTSTRAP [PREFIX] [PARTITIONS] [REPLICATION]}"
prefix="${2:-chainplan.}"
partitions="${3:-1}"
replication="${4:-1}"
topics="${KAFKA_BIN:+$KAFKA_BIN/}kafka-topics.sh"
create() {
  "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$prefix$1" \
    --partitions "$partitions" --replication-factor "$replication" "${@:2}"
}
create models           --config cleanup.policy=compact
create accepted-models  --config cleanup.policy=compact
create telemetry        --config cleanup.policy=delete
create fleet            --config cleanup.policy=compact
create requests         --config cleanup.policy=delete
create server-estimates --config cleanup.policy=compact
create demand-estimates --config cleanup.policy=compact
create plans            --config cleanup.policy=delete --config retention.ms=-1 --config retention.bytes=-1
create leases           --config cleanup.policy=compact
create dead-letters     --config cleanup.policy=delete
echo "chainplan topics ready on $bootstrap (prefix $prefix)"
