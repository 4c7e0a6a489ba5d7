package io.chainplan.ingest.testing;

import io.chainplan.ingest.topology.IngestMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the topology reports, by "kind:topic[:detail]". Thread-safe. */
public final class RecordingIngestMetrics implements IngestMetrics {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    private void inc(String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * @param key e.g. {@code in:chainplan.requests}
     * @return its count
     */
    public long count(String key) {
        AtomicLong v = counts.get(key);
        return v == null ? 0 : v.get();
    }

    @Override
    public void recordIn(String topic, long eventMillis) {
        inc("in:" + topic);
    }

    @Override
    public void badRecord(String topic, String stage) {
        inc("bad:" + topic + ":" + stage);
    }

    @Override
    public void deadLettered(String topic, String stage) {
        inc("dead:" + topic + ":" + stage);
    }

    @Override
    public void deadLetterSendFailed(String topic, String stage) {
        inc("deadSendFailed:" + topic + ":" + stage);
    }

    @Override
    public void skipped(String topic, String reason) {
        inc("skipped:" + topic + ":" + reason);
    }

    @Override
    public void timingFallback(String part, String reason) {
        inc("timingFallback:" + part + ":" + reason);
    }

    @Override
    public void tokenFallback(String reason) {
        inc("tokenFallback:" + reason);
    }

    @Override
    public void estimateOut(String topic) {
        inc("out:" + topic);
    }

    @Override
    public String toString() {
        return new java.util.TreeMap<>(counts).toString();
    }
}
