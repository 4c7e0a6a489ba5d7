package io.chainplan.ingest.topology;

import io.chainplan.schemas.avro.FleetMember;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global fleet store (server id to the model it serves, empty if none) up to date from the
 * compacted fleet topic, which {@link ServerAnnouncer} writes when a server's telemetry or GPU reading is
 * first seen: the servers whose hops are measured. A tombstone removes a server. A record that does not
 * decode is counted as bad and logged once per offset (the topic is the ingest's own output; nothing
 * else should write it).
 */
final class FleetStoreUpdater implements Processor<byte[], Decoded<FleetMember>, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(FleetStoreUpdater.class);

    private final String storeName;
    private final String topic;
    private final IngestMetrics metrics;
    private final AtomicLong version;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, String> store;

    /**
     * @param storeName the global store
     * @param topic     the fleet topic
     * @param metrics   counts
     * @param version   incremented after every change of the store, so that readers caching its
     *                  entries ({@link RequestProcessor}) know when to drop their copies
     */
    FleetStoreUpdater(String storeName, String topic, IngestMetrics metrics, AtomicLong version) {
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
    public void process(Record<byte[], Decoded<FleetMember>> record) {
        if (record.key() == null) {
            bad(Checked.VALIDATE, "record has no key (server id)");
            return;
        }
        String server = new String(record.key(), StandardCharsets.UTF_8);
        Decoded<FleetMember> d = record.value();
        if (d == null || d.raw() == null) {
            store.delete(server);
        } else if (!d.ok()) {
            bad(Checked.DESERIALIZE, d.error() == null ? "value decoded to null" : d.error().getMessage());
            return;
        } else {
            String model = d.value().getModelId();
            store.put(server, model == null ? "" : model);
        }
        version.incrementAndGet();
    }

    private void bad(String stage, String why) {
        metrics.badRecord(topic, stage);
        LOG.warn("skipping bad fleet record at {} ({}): {}", RecordSource.of(context, topic).where(), stage, why);
    }
}
