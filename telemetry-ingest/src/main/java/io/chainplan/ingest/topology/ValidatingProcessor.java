package io.chainplan.ingest.topology;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First processor after a source: counts the record, turns a {@link Decoded} value into a
 * {@link Checked} one (valid with its string key, or invalid with stage and error) and forwards
 * it; deliberately unused records are counted and dropped. Only a valid record's event time reaches
 * the lag gauge ({@link IngestMetrics#recordIn}). Subclasses implement the rules.
 *
 * @param <T> decoded value type
 * @param <V> valid value type
 */
abstract class ValidatingProcessor<T, V> implements Processor<byte[], Decoded<T>, String, Checked<V>> {
    private final String topic;
    private final IngestMetrics metrics;
    private ProcessorContext<String, Checked<V>> context;

    /**
     * The result of checking one value: valid (key and value), invalid (reason) or skipped.
     *
     * @param key        output key when valid
     * @param value      valid value
     * @param reason     why it is invalid
     * @param skipReason why it is skipped
     * @param <V>        value type
     */
    record Outcome<V>(String key, V value, String reason, String skipReason) {
        static <V> Outcome<V> valid(String key, V value) {
            return new Outcome<>(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), null, null);
        }

        static <V> Outcome<V> invalid(String reason) {
            return new Outcome<>(null, null, Objects.requireNonNull(reason, "reason"), null);
        }

        static <V> Outcome<V> skipped(String reason) {
            return new Outcome<>(null, null, null, Objects.requireNonNull(reason, "reason"));
        }
    }

    ValidatingProcessor(String topic, IngestMetrics metrics) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void init(ProcessorContext<String, Checked<V>> context) {
        this.context = context;
    }

    /** @return the processor context */
    protected ProcessorContext<String, Checked<V>> context() {
        return context;
    }

    @Override
    public void process(Record<byte[], Decoded<T>> record) {
        Decoded<T> d = record.value();
        byte[] raw = d == null ? null : d.raw();
        if (d == null || d.raw() == null) {
            forwardInvalid(record, raw, Checked.DESERIALIZE, new InvalidRecordException("null value (tombstone) on " + topic));
            return;
        }
        if (!d.ok()) {
            RuntimeException e = d.error() != null ? d.error() : new InvalidRecordException("value decoded to null");
            forwardInvalid(record, raw, Checked.DESERIALIZE, e);
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Outcome<V> o = check(d.value(), key, context.currentSystemTimeMs());
        if (o.skipReason() != null) {
            metrics.recordIn(topic, -1);
            metrics.skipped(topic, o.skipReason());
        } else if (o.reason() != null) {
            forwardInvalid(record, raw, Checked.VALIDATE, new InvalidRecordException(o.reason()));
        } else {
            metrics.recordIn(topic, d.eventMillis());
            context.forward(record.withKey(o.key()).withValue(Checked.valid(record.key(), raw, o.value())));
        }
    }

    private void forwardInvalid(Record<byte[], Decoded<T>> record, byte[] raw, String stage, RuntimeException error) {
        metrics.recordIn(topic, -1);
        metrics.badRecord(topic, stage);
        context.forward(record.<String>withKey(null).withValue(Checked.<V>invalid(record.key(), raw, stage, error)));
    }

    /**
     * @param value     decoded value
     * @param key       record key as UTF-8 text, or null
     * @param nowMillis wall clock
     * @return the outcome
     */
    abstract Outcome<V> check(T value, String key, long nowMillis);
}
