package io.chainplan.ingest.topology;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One sample in the JSON format of the Prometheus-to-Kafka adapter (Telefonica
 * prometheus-kafka-adapter): {@code {"timestamp": "2024-05-10T00:00:00Z", "value": "40960",
 * "name": "DCGM_FI_DEV_FB_TOTAL", "labels": {"__name__": "...", "Hostname": "...", "gpu": "0"}}}.
 *
 * @param name            metric name
 * @param value           value as written (Prometheus writes numbers as strings, e.g. "NaN")
 * @param labels          labels, sorted by name
 * @param timestampMillis sample time, ms since the epoch
 */
public record GpuMetric(String name, String value, Map<String, String> labels, long timestampMillis) {
    /** Copies and validates. */
    public GpuMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }
}
