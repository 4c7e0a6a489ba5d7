/** telemetry-ingest: Kafka Streams estimates of demand and server speed. */
package io.chainplan.ingest;
