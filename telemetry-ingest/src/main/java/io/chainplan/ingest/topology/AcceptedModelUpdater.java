package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.ModelSpec;
import io.chainplan.schemas.validate.RecordChecks;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global accepted-model store (model id to {@link ModelInfo}) up to date from the compacted
 * accepted-models topic, which {@link ModelStoreUpdater} writes with every good spec: each model's last
 * good spec, which readers use where the model store has none (its latest spec on the models topic is
 * bad, compaction having removed the good ones). A tombstone removes a model. A record that does not
 * decode or validate (the topic is the ingest's own output) is counted as bad and skipped, with a log
 * line.
 */
final class AcceptedModelUpdater implements Processor<byte[], Decoded<ModelSpec>, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptedModelUpdater.class);

    private final String storeName;
    private final String topic;
    private final IngestMetrics metrics;
    private final AtomicLong version;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ModelInfo> store;

    /**
     * @param storeName the global store
     * @param topic     the accepted-models topic
     * @param metrics   counts
     * @param version   incremented after every change (shared with the model store: readers cache both)
     */
    AcceptedModelUpdater(String storeName, String topic, IngestMetrics metrics, AtomicLong version) {
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.version = Objects.requireNonNull(version, "version");
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], Decoded<ModelSpec>> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Decoded<ModelSpec> d = record.value();
        if (key != null && (d == null || d.raw() == null)) {
            store.delete(key);
            version.incrementAndGet();
            return;
        }
        Optional<String> problem = key == null ? Optional.of("record has no key (model id)")
                : d.ok() ? RecordChecks.modelSpec(key, d.value())
                : Optional.of(d.error() == null ? "value decoded to null" : d.error().getMessage());
        if (problem.isPresent()) {
            metrics.badRecord(topic, key == null || d.ok() ? Checked.VALIDATE : Checked.DESERIALIZE);
            LOG.warn("skipping bad accepted model spec at {}: {}", RecordSource.of(context, topic).where(), problem.get());
            return;
        }
        store.put(key, ModelStoreUpdater.info(d.value()));
        version.incrementAndGet();
    }
}
