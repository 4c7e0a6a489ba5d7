package io.chainplan.ingest.topology;

import io.chainplan.schemas.serde.DeadLetters;
import io.chainplan.schemas.serde.FailureMode;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the invalid branch of a source (STYLE.md §6) according to the {@link FailureMode}:
 * logs the record's topic-partition@offset and reason (the first 20 per source and stage, then
 * every 1000th, so a flood of poison does not flood the log), and with {@code dead-letter}
 * forwards the original key and value bytes with the original headers plus
 * {@code chainplan.error.*} headers ({@link DeadLetters}) to the dead-letter sink; with
 * {@code fail} it throws {@link BadRecordFailure}.
 *
 * @param <V> valid value type (unused here)
 */
final class DeadLetterProcessor<V> implements Processor<String, Checked<V>, byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);
    private static final Map<String, AtomicLong> LOGGED = new ConcurrentHashMap<>();
    /** The reason a record skipped in {@code log-and-skip} mode is counted under. */
    static final String SKIP_REASON = Checked.SKIPPED_BAD_RECORD;

    private final String deadLetterTopic;
    private final FailureMode mode;
    private final IngestMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;

    DeadLetterProcessor(String deadLetterTopic, FailureMode mode, IngestMetrics metrics) {
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Checked<V>> record) {
        Checked<V> c = record.value();
        RecordSource source = RecordSource.of(context, "unknown");
        if (mode == FailureMode.FAIL) {
            throw new BadRecordFailure("bad record at " + source.where() + " (" + c.stage() + "): " + c.error().getMessage(), c.error());
        }
        logLimited(source.topic(), c.stage(), source.where(), c.error());
        if (mode == FailureMode.DEAD_LETTER) {
            ProducerRecord<byte[], byte[]> dl = source.deadLetter(deadLetterTopic, c.rawKey(), c.rawValue(), record.timestamp(),
                    record.headers(), c.stage(), c.error());
            context.forward(new Record<>(dl.key(), dl.value(), record.timestamp(), dl.headers()));
            metrics.deadLettered(source.topic(), c.stage());
        } else {
            metrics.skipped(source.topic(), SKIP_REASON);
        }
    }

    private void logLimited(String topic, String stage, String where, RuntimeException error) {
        long n = LOGGED.computeIfAbsent(topic + "/" + stage, k -> new AtomicLong()).incrementAndGet();
        if (n <= 20 || n % 1000 == 0) {
            LOG.warn("bad record at {} ({}, {} so far on this source and stage, mode {}): {}", where, stage, n,
                    mode.configValue(), error.getMessage());
        }
    }
}
