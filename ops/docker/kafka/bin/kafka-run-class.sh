#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARGS]: runs a Kafka main class of chainplan/kafka:local, as Kafka's own script
# does: the Kafka classes come from the chainplan jar, Kafka's command-line tools from kafka-tools.jar.
# Logging: logback (/etc/kafka/docker/logback.xml) at KAFKA_LOG_LEVEL (INFO) to KAFKA_LOG_TARGET (System.out).
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_OPTS:-} -Dlogback.configurationFile=/etc/kafka/docker/logback.xml \
    -cp "/app/chainplan.jar:/opt/kafka/libs/*" "$@"
