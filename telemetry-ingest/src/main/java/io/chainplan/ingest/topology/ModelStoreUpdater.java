package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global model store (model id to block count L) up to date from the compacted models
 * topic; a tombstone removes a model. Global processors cannot forward, so a model spec that does
 * not decode or validate (empty id, key differing from the id, {@code blocks < 1}) cannot be
 * dead-lettered: it is logged and counted as skipped ({@code bad-model-spec}), and request events
 * for that model are then dead-lettered as of an unknown model.
 */
final class ModelStoreUpdater implements Processor<byte[], Decoded<ModelSpec>, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreUpdater.class);
    private final String storeName;
    private final String topic;
    private final IngestMetrics metrics;
    private final AtomicLong version;
    private KeyValueStore<String, Integer> store;

    /**
     * @param version incremented after every change of the store, so that readers caching its
     *                entries ({@link RequestProcessor}) know when to drop their copies
     */
    ModelStoreUpdater(String storeName, String topic, IngestMetrics metrics, AtomicLong version) {
        this.storeName = storeName;
        this.topic = topic;
        this.metrics = metrics;
        this.version = version;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], Decoded<ModelSpec>> record) {
        metrics.recordIn(topic, -1);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Decoded<ModelSpec> d = record.value();
        if (key != null && (d == null || d.raw() == null)) {
            store.delete(key);
            version.incrementAndGet();
            return;
        }
        ModelSpec m = d == null ? null : d.value();
        String problem = d == null || !d.ok() ? "does not decode: " + (d == null ? "null" : String.valueOf(d.error()))
                : m.getId() == null || m.getId().isEmpty() ? "id must not be empty"
                : !m.getId().equals(key) ? "record key \"" + key + "\" must equal id \"" + m.getId() + "\""
                : m.getBlocks() < 1 ? "blocks must be >= 1, was " + m.getBlocks() : null;
        if (problem != null) {
            metrics.badRecord(topic, Checked.VALIDATE);
            metrics.skipped(topic, "bad-model-spec");
            LOG.warn("skipping bad model spec on {} (key {}): {}", topic, key, problem);
            return;
        }
        store.put(key, m.getBlocks());
        version.incrementAndGet();
    }
}
