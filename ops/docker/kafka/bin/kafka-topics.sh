#!/usr/bin/env bash
# kafka-topics.sh: Kafka's org.apache.kafka.tools.TopicCommand (warnings and errors logged to stderr, as Kafka's tools-log4j2.yaml does).
export KAFKA_HEAP_OPTS="${KAFKA_TOOLS_HEAP_OPTS:--Xmx256m}" KAFKA_LOG_LEVEL=WARN KAFKA_LOG_TARGET=System.err
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
